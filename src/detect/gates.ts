// Gates: per detector, the characters (and a few words) without which it cannot report anything at
// any paranoia level. A value's characters are read once into a mask; a detector whose gate the
// value fails is not run. Each gate is derived from its detector's rules (the reasoning is beside
// it) and is a superset of what they need; `gates.test.ts` runs the engine with and without gates
// over the corpus and requires the same verdicts, scores and rule ids.

import { STRONG_COMMANDS } from './detectors/cmdi/commands.ts';
import { IDIOM_PREFILTER } from './detectors/cmdi/idioms.ts';
import { readWord } from './detectors/cmdi/shell-word.ts';
import { CLASS_STEMS } from './detectors/java/java.ts';
import { DUPLICATES_LOCATION } from './detectors/protocol/protocol.ts';
import { CALLBACK } from './detectors/scanner/scanner.ts';
import { LONE_NAME_LENGTH, LONE_NAMES, PLAIN_SIGN, SQL_KEYWORDS } from './detectors/sqli/sqli.ts';
import { SENSITIVE_PATHS } from './detectors/traversal/sensitive.ts';
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

/** The first three characters of each sensitive path (the traversal detector's lookup keys). */
const SENSITIVE_KEYS = new Set(SENSITIVE_PATHS.map((path) => path.slice(0, 3)));

/** Whether a sensitive path could start at 0 or after `/`, `.` or `:` (where traversal looks). */
function sensitiveKeyIn(text: string): boolean {
  if (SENSITIVE_KEYS.has(text.slice(0, 3))) return true;
  for (let p = 1; p < text.length; p++) {
    const before = text.charCodeAt(p - 1);
    if ((before === 47 || before === 46 || before === 58) && SENSITIVE_KEYS.has(text.slice(p, p + 3)))
      return true;
  }
  return false;
}

/** Whether the text, after leading white space, starts with `prefix`. */
function leads(text: string, prefix: string): boolean {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  return text.startsWith(prefix, i);
}

/** Words a bare internal host starts with (ssrf's BARE_HOST_START), and wildcard DNS `….nip.io`. */
const BARE_HOST_GATE = /^(?:[\d[]|localhost|metadata|instance-data|ip6-|rancher-|kubernetes)/;
/** Script schemes (`javascript:`, `data:`), legacy ones (`mhtml:`, `res://`) and IE's `xml:namespace`. */
const XSS_SCHEME_GATE = /script:|mocha:|data:|mhtml:|ms-its:|mk:@|firefoxurl:|res:|xml:namespace/;
const SHELL_SYNTAX = SEMI | PIPE | AMP | DOLLAR | BACKTICK | LPAREN | RPAREN | LBRACE | RBRACE | LT | GT;
/** cmdi's shell idioms that need no shell syntax, its idioms' triggers, the decoders it reads. */
const CMDI_WORDS = new RegExp(`${IDIOM_PREFILTER.source}| -|-e |/dev/|mkfifo|base64|xxd`);

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
  while (start < text.length && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 43)) start++;
  let name = start;
  let end = start;
  for (; end < text.length && end - start < 64; end++) {
    const c = text.charCodeAt(end);
    if (c < 128 && WORD_END[c] === 1) break;
    if (c === 47) name = end + 1;
  }
  const word = text.slice(name, end);
  return STRONG_COMMANDS.has(word) || word === 'which' || word === 'whereis';
}

/** Dot segments, wrappers and drive or `file:` paths (traversal's climbs, WRAPPERS, isPathShaped). */
const TRAVERSAL_WORDS = /\.\.|:\/|file:|convert\.|ssh2\./;
/** A path from a root, home or the current directory (traversal's isPathShaped). */
const PATH_LEAD = /^\s*[/~.]/;
const XSS_SINK_GATE = /alert|prompt|confirm|eval/;
const NODE_GLOBAL_GATE = /process|module|global/;

export const GATES: Readonly<Record<Category, Gate>> = {
  // Every rule needs SQL punctuation (SQL_PUNCTUATION, typographic quotes), a keyword, a hex
  // literal or boolean arithmetic, or a lone catalog name: the detector's own screen.
  sqli: (m, v) => {
    if (has(m, SQUOTE | DQUOTE | BACKTICK | SEMI | EQ | LT | GT | LPAREN | RPAREN | PIPE | AMP | HASH | AT))
      return true;
    const t = v.lower;
    return (
      t.includes('--') ||
      (has(m, STAR) && t.includes('/*')) ||
      SQL_KEYWORDS.test(t) ||
      PLAIN_SIGN.test(t) ||
      (t.length <= LONE_NAME_LENGTH && LONE_NAMES.test(t))
    );
  },
  // `$` operators; without one, JS breakouts need a quote, `;`, `(`, `||`/`&&` or `do {`.
  nosqli: (m) => has(m, DOLLAR | SQUOTE | DQUOTE | SEMI | LPAREN | PIPE | AMP | LBRACE),
  xss: (m, v, kind) => {
    // Markup, attribute breakouts (quotes), calls, template calls, bracket access; `&amp;#` and
    // a cookie's percent-encoding change the sender's text the detector reads.
    if (has(m, LT | DQUOTE | SQUOTE | LPAREN | BACKTICK | LBRACKET | AMP)) return true;
    if (kind === 'cookie' && has(m, PERCENT)) return true;
    const t = v.lower;
    // Script and legacy schemes (controls may split their letters), `xml:namespace`.
    if (has(m, COLON) && (has(m, CONTROL) || XSS_SCHEME_GATE.test(t))) return true;
    // `location=…` and `=alert,` / `,alert;` (a sink passed as a value).
    if (has(m, EQ) && (t.includes('location') || XSS_SINK_GATE.test(t))) return true;
    if (has(m, COMMA) && XSS_SINK_GATE.test(t)) return true;
    // UTF-7 markup, `document.cookie` as a value's last word, CSS in a style text, an event
    // handler's name alone (plain text).
    return t.includes('+adw') || t.includes('document.') || t.includes('style') || leads(t, 'on');
  },
  // Declarations, CDATA, XSLT and `<…:include` need `<`; extension functions and stylesheet
  // namespaces a scheme; XInclude its name.
  xxe: (m, v) =>
    has(m, LT) ||
    (has(m, COLON) &&
      (v.lower.includes('://') || v.lower.includes('php:function') || v.lower.includes('java:java.'))) ||
    v.lower.includes('xinclude'),
  // Every lookup starts `${`.
  jndi: (m) => has(m, DOLLAR) && has(m, LBRACE),
  // Serialized streams (magic bytes, `aced0005`, `rO0AB`), expressions (`${`, `#{`, `%{`, `(#`),
  // reflection calls; class and gadget names are read only in text with `.` or `[`.
  java: (m, v) =>
    has(m, LBRACE | LPAREN) ||
    (has(m, DOT | LBRACKET) && CLASS_STEMS.test(v.lower)) ||
    v.lower.includes('aced0005') ||
    v.lower.includes('ro0ab'),
  // node-serialize's `_$$ND_FUNC$$_`; otherwise a call, `__dirname`, or `process.`/`module.`/`global.`.
  nodejs: (m, v) =>
    has(m, DOLLAR | LPAREN) || v.lower.includes('__') || (has(m, DOT) && NODE_GLOBAL_GATE.test(v.lower)),
  // Every rule needs one of `{ % ( [ #` (the detector's TEMPLATE_CHARS).
  ssti: (m) => has(m, LBRACE | PERCENT | LPAREN | LBRACKET | HASH),
  // Calls, `<?`, `${`, superglobals, serialized `…:{`; uploads by file name.
  php: (m, _v, _kind, location) =>
    has(m, LPAREN | DOLLAR | LT) || (has(m, COLON) && has(m, LBRACE)) || location.endsWith('@filename'),
  // `<!--#…` and `<esi:`.
  ssi: (m) => has(m, LT),
  // Filter syntax: parentheses, `|`, `&`, `*` probes, `:=` extensible matches.
  ldapi: (m) => has(m, LPAREN | RPAREN | PIPE | AMP | STAR) || (has(m, COLON) && has(m, EQ)),
  // Line breaks (and their look-alikes, outside ASCII); in URLs and headers also escaped ones.
  crlf: (m, _v, kind) => has(m, CONTROL) || (kind !== 'body' && kind !== 'key'),
  // `__proto__`, or `prototype` (alone as a key, or after `constructor`).
  proto: (_m, v) => v.lower.includes('__proto__') || v.lower.includes('prototype'),
  cmdi: (m, v, kind) => {
    // Shell syntax (separators, substitutions, redirections, escaped line breaks), escapes the
    // detector decodes itself (`\`, `%5c`, `&#`), path segments.
    if (has(m, SHELL_SYNTAX | BACKSLASH | PERCENT | CONTROL) || kind === 'path') return true;
    // Shell idioms without shell syntax (`bash -i`, `/dev/tcp/`, `cmd /c`, `mkfifo /tmp`), the
    // Windows, PowerShell and obfuscation idioms' triggers, decoders; otherwise only a value that
    // starts with a command (`cat /etc/passwd`, `which nc`).
    return CMDI_WORDS.test(v.lower) || leadingCommand(v.lower, m);
  },
  traversal: (m, v, kind) => {
    const t = v.lower;
    // Escapes, backslashes and look-alike separators are folded into dots and slashes.
    if (has(m, PERCENT | BACKSLASH | CONTROL) || kind === 'path' || t.includes('0x')) return true;
    // Without path syntax, only a sensitive file name that starts the value.
    if (!has(m, DOT | SLASH | COLON)) return SENSITIVE_KEYS.has(t.slice(0, 3));
    // Dot segments, wrappers (`php://`, `jar:file:`, `convert.iconv.`, `ssh2.`), drives (`c:/`),
    // paths that start at a root or `~`, sensitive files where a path would name them.
    return TRAVERSAL_WORDS.test(t) || PATH_LEAD.test(t) || sensitiveKeyIn(t);
  },
  ssrf: (_m, v, kind) => {
    if (kind === 'path') return true;
    const t = v.lower;
    // URLs, metadata addresses, protocol-relative URLs, bare internal hosts.
    if (t.includes('://') || t.includes('169.254.169.254') || t.includes('100.100.100.200')) return true;
    if (t.includes('fd00:ec2::254') || t.includes('.io')) return true;
    const whole = t.trimStart();
    return whole.startsWith('//') || BARE_HOST_GATE.test(whole);
  },
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
