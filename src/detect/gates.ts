// Gates: per detector, the characters (and a few words) without which it cannot report anything at
// any paranoia level. A value's characters are read once into a mask; a detector whose gate the
// value fails is not run. Each gate is derived from its detector's rules (the reasoning is beside
// it) and is a superset of what they need; `gates.test.ts` runs the engine with and without gates
// over the corpus and requires the same verdicts, scores and rule ids.

import { STRONG_COMMANDS } from './detectors/cmdi/commands.ts';
import { escapeRegExp, IDIOM_TRIGGERS } from './detectors/cmdi/idioms.ts';
import { readWord } from './detectors/cmdi/shell-word.ts';
import { CLASS_STEMS } from './detectors/java/java.ts';
import { DUPLICATES_LOCATION } from './detectors/protocol/protocol.ts';
import { CALLBACK } from './detectors/scanner/scanner.ts';
import { LONE_NAME_LENGTH, LONE_NAMES, PLAIN_SIGN, SQL_KEYWORDS } from './detectors/sqli/sqli.ts';
import { SENSITIVE_PATHS, WRAPPERS } from './detectors/traversal/sensitive.ts';
import { FRAMING_CONFLICT_LOCATION } from './extract/headers.ts';
import type { Category, InputKind, Views } from './types.ts';

// One bit per ASCII punctuation character a gate reads (all but `-` and `_`), one for controls
// and one for anything outside ASCII (NUL included: decoding removes it).
export const LT = 1 << 0;
export const GT = 1 << 1;
export const AMP = 1 << 2;
export const SQUOTE = 1 << 3;
export const DQUOTE = 1 << 4;
export const BACKTICK = 1 << 5;
export const SEMI = 1 << 6;
export const PIPE = 1 << 7;
export const DOLLAR = 1 << 8;
export const LPAREN = 1 << 9;
export const RPAREN = 1 << 10;
export const LBRACE = 1 << 11;
export const RBRACE = 1 << 12;
export const LBRACKET = 1 << 13;
export const RBRACKET = 1 << 14;
export const PERCENT = 1 << 15;
export const BACKSLASH = 1 << 16;
export const COLON = 1 << 17;
export const EQ = 1 << 18;
export const HASH = 1 << 19;
export const AT = 1 << 20;
export const STAR = 1 << 21;
export const PLUS = 1 << 22;
export const SLASH = 1 << 23;
export const DOT = 1 << 24;
export const CARET = 1 << 25;
export const QUESTION = 1 << 26;
export const BANG = 1 << 27;
export const TILDE = 1 << 28;
export const COMMA = 1 << 29;
/** Controls: U+0001–U+001F and U+007F (tab and line breaks among them). */
export const CONTROL = 1 << 30;
/** NUL or any code unit above U+007F. */
export const OTHER = 1 << 31;

const BITS = new Int32Array(128);
BITS[0] = OTHER;
for (let c = 1; c < 32; c++) BITS[c] = CONTROL;
BITS[127] = CONTROL;
const PUNCTUATION: Record<string, number> = {
  '<': LT,
  '>': GT,
  '&': AMP,
  "'": SQUOTE,
  '"': DQUOTE,
  '`': BACKTICK,
  ';': SEMI,
  '|': PIPE,
  $: DOLLAR,
  '(': LPAREN,
  ')': RPAREN,
  '{': LBRACE,
  '}': RBRACE,
  '[': LBRACKET,
  ']': RBRACKET,
  '%': PERCENT,
  '\\': BACKSLASH,
  ':': COLON,
  '=': EQ,
  '#': HASH,
  '@': AT,
  '*': STAR,
  '+': PLUS,
  '/': SLASH,
  '.': DOT,
  '^': CARET,
  '?': QUESTION,
  '!': BANG,
  '~': TILDE,
  ',': COMMA,
};
for (const [c, bit] of Object.entries(PUNCTUATION)) BITS[c.charCodeAt(0)] = bit;

/** The mask of a text's characters (letters, digits, space, `-` and `_` set no bit). */
export function charMask(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    mask |= c < 128 ? BITS[c]! : OTHER;
  }
  return mask;
}

/**
 * Whether a detector may find something in a value. Called only for views no decoding changed
 * (`decoded` is `raw`), with `mask` the value's `charMask`; values with OTHER set are never gated.
 */
export type Gate = (mask: number, views: Views, kind: InputKind, location: string) => boolean;

const has = (mask: number, bits: number) => (mask & bits) !== 0;

/** One search for any of several patterns (each linear: alternations of literals and bounded classes). */
function anyOf(...patterns: (RegExp | string)[]): RegExp {
  return new RegExp(patterns.map((p) => (typeof p === 'string' ? p : `(?:${p.source})`)).join('|'));
}

/** A word to search for: a literal, or a pattern with the characters (a mask) it cannot match without. */
type Word = string | readonly [pattern: string, needs: number];

/** Searches, specialized by a value's characters, kept per mask (at most this many). */
const MAX_SPECIALIZED = 256;

/**
 * A search for any of `words` that leaves out the words whose punctuation the value lacks (a literal
 * cannot occur in a text without its characters): SKUs and e-mail addresses are searched for a
 * handful of words, not for every shell idiom. One regular expression per mask, compiled on first
 * use; past MAX_SPECIALIZED masks the search for all words is used.
 */
function wordSearch(words: readonly Word[]): (mask: number, text: string) => boolean {
  const entries = words.map((w): readonly [string, number] =>
    typeof w === 'string' ? [escapeRegExp(w), charMask(w)] : w,
  );
  const relevant = entries.reduce((bits, [, needs]) => bits | needs, 0);
  const compile = (mask: number) => {
    const sources = entries.filter(([, needs]) => (needs & ~mask) === 0).map(([source]) => source);
    return sources.length === 0 ? null : new RegExp(sources.join('|'));
  };
  const all = compile(relevant);
  const byMask = new Map<number, RegExp | null>();
  return (mask, text) => {
    const key = mask & relevant;
    let search = byMask.get(key);
    if (search === undefined) {
      if (byMask.size >= MAX_SPECIALIZED) search = all;
      else {
        search = compile(key);
        byMask.set(key, search);
      }
    }
    return search?.test(text) === true;
  };
}

/** The first three characters of each sensitive path (the traversal detector's lookup keys). */
const SENSITIVE_KEYS = new Set(SENSITIVE_PATHS.map((path) => path.slice(0, 3)));

/** Comment marks, keywords, hex literals and boolean arithmetic: sqli's screen of text without SQL punctuation. */
const SQLI_WORDS = anyOf('--', '/\\*', SQL_KEYWORDS, PLAIN_SIGN);
const SQL_PUNCTUATION =
  SQUOTE | DQUOTE | BACKTICK | SEMI | EQ | LT | GT | LPAREN | RPAREN | PIPE | AMP | HASH | AT;

/**
 * XSS without markup, quotes, brackets or template literals: UTF-7 markup, `document.cookie` as a
 * value's last word, CSS in a style text, an event handler's name alone (plain text, trimmed).
 */
/**
 * UTF-7 blocks (`+ADw-`, `+AGEAPA-`: ASCII spelled in UTF-7 starts `+A`), `document.`, styles,
 * handlers, a comment closed at the start (`-->`), and the XHTML, SVG and XSL namespaces
 * (`http://www.w3.org/1999/XSL/Transform` written without markup).
 */
const XSS_WORDS = /\+a|document\.|style|^\s*on|-->|w3\.org\//;
/** Script and legacy schemes (`javascript:`, `data:`, `mhtml:`, `res://`) and IE's `xml:namespace`. */
const XSS_SCHEMES = /script:|mocha:|data:|mhtml:|ms-its:|mk:@|firefoxurl:|res:|xml:namespace/;
const XSS_SINKS = /alert|prompt|confirm|eval/;

/**
 * Serialized Java streams (`aced0005` in hex, `rO0AB` in base64). Written unlike the detector's
 * plain-text screen (`/aced0005|ro0ab/`): V8 shares one compiled expression between equal sources,
 * and reading it on thousands of short values slowed the screen's sweep over whole 64 KiB texts.
 */
const JAVA_SERIALIZED = /ro0ab|aced0005/;
/** With `.` or `[`: class and gadget names (CLASS_STEMS), reflection (`Class.forName(`, `.getMethod(`…). */
const JAVA_NAMES = anyOf(JAVA_SERIALIZED, CLASS_STEMS, 'forname|getdeclared|getmethod|newinstance|invoke');
/**
 * `__dirname`, `_$$ND_FUNC$$_`, the globals (`process.`, `module.`, `global.`), `require(`,
 * `execSync(`, and the Function constructor (`constructor.constructor(`, `new Function(`).
 */
const NODE_WORDS = /__|process|module|global|require|execsync|constructor|function/;
/** JavaScript breakouts whose only syntax is a parenthesis (`while(true){}` has braces too), `db.` calls. */
const NOSQL_CALLS = /while|db\./;
/**
 * LDAP filters with parentheses only: a `)` followed by `(` (spaces and more `)` between), `))`
 * closing a filter, a value that starts with `(` or is one parenthesis.
 */
const LDAP_PARENS = /\)\(|\) +\(|\)\)|^\s*[()]/;
/** `prototype`, `__proto__` (in the other order than proto's plain-text screen: see JAVA_SERIALIZED). */
const PROTO_WORDS = /prototype|__proto__/;

/** Shell syntax but `(` and `)`: separators, substitutions, redirections, braces. */
const SHELL_SYNTAX = SEMI | PIPE | AMP | DOLLAR | BACKTICK | LBRACE | RBRACE | LT | GT;
/** `%5c` (a backslash the detector decodes itself) and cmd.exe's `%comspec%`. */
const CMDI_PERCENT = /%5c|%comspec%/;
/** cmdi's shell idioms that need no shell syntax, its idioms' triggers, the decoders it reads. */
const CMDI_WORDS = wordSearch([
  ...new Set(Object.values(IDIOM_TRIGGERS).flat()),
  ...[' -', '-e ', '/dev/', 'mkfifo', 'base64', 'xxd'],
]);

/** Characters that end a shell word (cmdi's `readWord`), by code. */
const WORD_END = new Uint8Array(128);
for (const c of ' +;|&`)(<>,}{') WORD_END[c.charCodeAt(0)] = 1;
for (let c = 0; c <= 32; c++) WORD_END[c] = 1;

/**
 * Whether the value's first shell word may name a command (cmdi's `readWord`, read as a superset:
 * the name after the word's last `/`, whatever its directory). Words with quotes or carets in
 * them are read by `readWord` itself.
 */
function leadingCommand(text: string, mask: number): boolean {
  if (has(mask, SQUOTE | DQUOTE | CARET)) {
    const { word } = readWord(text, 0);
    return STRONG_COMMANDS.has(word) || word === 'which' || word === 'whereis';
  }
  let start = 0;
  for (; start < text.length; start++) {
    const c = text.charCodeAt(start);
    // readWord skips ` \t+{(` before a word (tabs and braces never reach here).
    if (c !== 32 && c !== 43 && c !== 40) break;
  }
  let name = start;
  let end = start;
  for (; end < text.length && end - start < 64; end++) {
    const c = text.charCodeAt(end);
    if (c < 128 && WORD_END[c] === 1) break;
    if (c === 47) name = end + 1;
  }
  // Most first words are no command's length or initial: no slice, no lookup.
  const length = end - name;
  if (length < COMMAND_LENGTHS[0]! || length > COMMAND_LENGTHS[1]!) return false;
  const first = text.charCodeAt(name);
  if (first >= 128 || COMMAND_INITIALS[first] !== 1) return false;
  const word = text.slice(name, end);
  return STRONG_COMMANDS.has(word) || word === 'which' || word === 'whereis';
}

/** The shortest and longest command a value can start with (`leadingCommand`), and their initials. */
const COMMAND_NAMES = [...STRONG_COMMANDS, 'which', 'whereis'];
const COMMAND_LENGTHS = [
  Math.min(...COMMAND_NAMES.map((c) => c.length)),
  Math.max(...COMMAND_NAMES.map((c) => c.length)),
];
const COMMAND_INITIALS = new Uint8Array(128);
for (const command of COMMAND_NAMES) COMMAND_INITIALS[command.charCodeAt(0)] = 1;

/** Percent escapes traversal folds: `%xx`, `%uxxxx`, `%25…`, overlong `%c0…`, a stray `%/`. */
const TRAVERSAL_ESCAPE = /%[0-9a-z/]/;
/**
 * Where traversal can find something in a value with dots, slashes or colons: dot segments, wrappers
 * (WRAPPERS: `php://`, `jar:file:`, `convert.iconv.`…), `file:` paths, a path from a root, home, the
 * current directory or a drive (isPathShaped), a sensitive file's first three characters at the
 * start or after `/`, `.` or `:` (where findSensitive looks them up).
 */
const TRAVERSAL_WORDS = wordSearch([
  '..',
  ...WRAPPERS,
  'file:',
  ['^\\s*(?:[/~.]|[a-z]:/)', 0],
  [`(?:^|[/.:])(?:${[...SENSITIVE_KEYS].map(escapeRegExp).join('|')})`, 0],
]);

/**
 * URLs, cloud metadata addresses, protocol-relative URLs, wildcard DNS (`….nip.io`) and what a
 * bare internal host starts with (ssrf's BARE_HOST_START), after leading white space.
 */
const SSRF_WORDS = wordSearch([
  '://',
  // An XML-RPC call that makes the server fetch (`pingback.ping` as an element's text).
  'pingback',
  '169.254.169.254',
  '100.100.100.200',
  'fd00:ec2::254',
  '.io',
  ['^\\s*(?:\\/\\/|[\\d[]|localhost|metadata|instance-data|ip6-|rancher-|kubernetes)', 0],
]);

export const GATES: Readonly<Record<Category, Gate>> = {
  // Every rule needs SQL punctuation (SQL_PUNCTUATION, typographic quotes), a keyword, a hex
  // literal or boolean arithmetic, or a lone catalog name: the detector's own screen.
  sqli: (m, v) =>
    has(m, SQL_PUNCTUATION) ||
    SQLI_WORDS.test(v.lower) ||
    (v.lower.length <= LONE_NAME_LENGTH && LONE_NAMES.test(v.lower)),
  // `$` operators; without one, JS breakouts need a quote, `;`, `(`, `||`/`&&` or `do {`.
  nosqli: (m, v) =>
    has(m, DOLLAR | SQUOTE | DQUOTE | SEMI | PIPE | AMP | LBRACE) ||
    (has(m, LPAREN) && NOSQL_CALLS.test(v.lower)),
  xss: (m, v, kind) =>
    // Markup, attribute breakouts (quotes), calls, template calls, bracket access; `&amp;#` and
    // a cookie's percent-encoding change the sender's text the detector reads.
    has(m, LT | DQUOTE | SQUOTE | LPAREN | BACKTICK | LBRACKET | AMP) ||
    (kind === 'cookie' && has(m, PERCENT)) ||
    // Script and legacy schemes (controls may split their letters), `xml:namespace`.
    (has(m, COLON) && (has(m, CONTROL) || XSS_SCHEMES.test(v.lower))) ||
    // `location=…`, and a sink passed as a value (`=alert,`, `,alert;`).
    (has(m, EQ) && v.lower.includes('location')) ||
    (has(m, EQ | COMMA) && XSS_SINKS.test(v.lower)) ||
    XSS_WORDS.test(v.lower),
  // Declarations, CDATA, XSLT and `<…:include` need `<`; entity references `&…;`; extension functions and stylesheet
  // namespaces a scheme; XInclude its name.
  xxe: (m, v) =>
    has(m, LT) ||
    // A general entity reference (`&xxe;`), and markup written in references (`&lt;%= x %&gt;`).
    (has(m, AMP) && has(m, SEMI)) ||
    (has(m, COLON) &&
      (v.lower.includes('://') || v.lower.includes('php:function') || v.lower.includes('java:java.'))) ||
    v.lower.includes('xinclude'),
  // Every lookup starts `${`.
  jndi: (m) => has(m, DOLLAR) && has(m, LBRACE),
  // Serialized streams (magic bytes outside ASCII, `aced0005`, `rO0AB`), expressions (`${`, `#{`,
  // `%{`, `(#`); class names, gadgets and reflection calls are read only in text with `.` or `[`.
  java: (m, v) =>
    has(m, LBRACE) ||
    (has(m, LPAREN) && v.lower.includes('(#')) ||
    (has(m, DOT | LBRACKET) ? JAVA_NAMES : JAVA_SERIALIZED).test(v.lower),
  // node-serialize's `_$$ND_FUNC$$_`, the module and process APIs, the Function constructor, globals.
  nodejs: (m, v) => has(m, DOLLAR) || NODE_WORDS.test(v.lower),
  // Openers and directives hold one of `{ [ #` or are `<%…%>`, `@(…)` and `?new(` (TEMPLATE_CHARS).
  ssti: (m, v) =>
    has(m, LBRACE | LBRACKET | HASH) ||
    (has(m, PERCENT) && v.lower.includes('<%')) ||
    (has(m, LPAREN) && (v.lower.includes('@(') || v.lower.includes('?new'))),
  // Calls, `<?`, `${`, superglobals, serialized `…:{`; uploads by file name.
  php: (m, _v, _kind, location) =>
    has(m, LPAREN | DOLLAR | LT) || (has(m, COLON) && has(m, LBRACE)) || location.endsWith('@filename'),
  // `<!--#…` and `<esi:`.
  ssi: (m) => has(m, LT),
  // Filter syntax: `|`, `&`, `*` probes, `:=` extensible matches, parentheses that close a filter
  // and open another.
  ldapi: (m, v) =>
    has(m, PIPE | AMP | STAR) ||
    (has(m, COLON) && v.lower.includes(':=')) ||
    (has(m, LPAREN | RPAREN) && LDAP_PARENS.test(v.lower)),
  // Line breaks (and their look-alikes, outside ASCII); in URLs and headers also escaped ones.
  crlf: (m, _v, kind) => has(m, CONTROL) || (kind !== 'body' && kind !== 'key'),
  // `__proto__`, or `prototype` (alone as a key, or after `constructor`).
  proto: (_m, v) => PROTO_WORDS.test(v.lower),
  cmdi: (m, v, kind) =>
    // Shell syntax, escapes the detector decodes itself (`\`, `%5c`, `&#`), path segments, a call
    // with a quoted argument (`system('id')`). Parentheses alone open no command position: the
    // detector then reads only what it reads in text without shell syntax.
    has(m, SHELL_SYNTAX | BACKSLASH | CONTROL) ||
    kind === 'path' ||
    (has(m, PERCENT) && CMDI_PERCENT.test(v.lower)) ||
    (has(m, LPAREN) && has(m, SQUOTE | DQUOTE)) ||
    // Shell idioms (`bash -i`, `/dev/tcp/`, `cmd /c`), the Windows, PowerShell and obfuscation
    // idioms' triggers, decoders; otherwise only a value that starts with a command (`cat /etc/passwd`).
    CMDI_WORDS(m, v.lower) ||
    leadingCommand(v.lower, m),
  traversal: (m, v, kind) => {
    const t = v.lower;
    // Escapes (`%2e`, `%c0%ae`, `%25`, a stray `%/`), backslashes and look-alike separators are
    // folded into dots and slashes; a `%` before anything else stays as it is.
    if (has(m, BACKSLASH | CONTROL) || kind === 'path' || t.includes('0x')) return true;
    if (has(m, PERCENT) && TRAVERSAL_ESCAPE.test(t)) return true;
    // Without path syntax, only a sensitive file name that starts the value.
    if (!has(m, DOT | SLASH | COLON)) return SENSITIVE_KEYS.has(t.slice(0, 3));
    return TRAVERSAL_WORDS(m, t);
  },
  ssrf: (m, v, kind) => kind === 'path' || SSRF_WORDS(m, v.lower),
  // Every rule reads a URL (`://`); member names never.
  rfi: (_m, v, kind) => kind !== 'key' && v.lower.includes('://'),
  // Scanner headers and user agents; callback domains (with a dot) elsewhere.
  scanner: (m, v, kind, location) =>
    location.startsWith('header.') || (kind !== 'key' && has(m, DOT) && CALLBACK.test(v.lower)),
  // Protocol headers, query member names (session ids), the extractors' pseudo-locations.
  protocol: (_m, _v, kind, location) =>
    kind === 'header' ||
    kind === 'key' ||
    location === DUPLICATES_LOCATION ||
    location === FRAMING_CONFLICT_LOCATION,
};
