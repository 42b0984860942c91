// OS command injection: a small shell lexer finds command positions — after `;`, `|`, `&`, `&&`,
// `||`, a newline, inside `$( )` or backticks — and reads the command word there the way a shell
// would (quotes and backslashes removed, `${IFS}` as space, a path reduced to its program name).
import { hit, type Rule } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { encodedChecks, pathSegmentChecks, startChecks } from './command-line.ts';
import { FILTER_COMMANDS, STRONG_COMMANDS, TEXT_FILTERS } from './commands.ts';
import { EMPTY_EXPANSION, escapeRegExp } from './idioms.ts';
import { CMDI_RULES } from './rules.ts';
import { INTERPRETERS, isEscapedBreak, RECON_COMMANDS, readWord, WRAPPERS } from './shell-word.ts';

type Position = 'start' | 'separator' | 'substitution' | 'backtick';
/** The rule of a command found at a separator or in a substitution, by its score (5, 3 or 2). */
function graded(kind: 'chained-command' | 'substitution', score: number): Rule {
  const suffix = score >= 5 ? '' : score >= 3 ? '.weak' : '.filter';
  return CMDI_RULES[`cmdi.${kind}${suffix}` as keyof typeof CMDI_RULES];
}

function scoreFor(command: string, position: Position, binPath: boolean, lead: boolean): number {
  if (position === 'backtick') return STRONG_COMMANDS.has(command) || binPath ? 2 : 0;
  const base = command.endsWith('.exe') ? command.slice(0, -4) : command;
  if (!STRONG_COMMANDS.has(base) && !STRONG_COMMANDS.has(command)) return binPath ? 5 : 0;
  if (binPath || lead) return 5;
  const filter = FILTER_COMMANDS.has(base);
  if (position === 'substitution') return TEXT_FILTERS.has(base) ? 3 : 5;
  return filter ? 2 : 5;
}

const PLAIN_COMMAND = new RegExp(
  `"[a-z0-9_.-]{1,24}\\s+[-\\d]|"(?:net|reg|which|whereis|${[...WRAPPERS].join('|')})\\s|\\s-[a-z]`,
);
const PLAIN_RECON = new RegExp(`"(?:${[...RECON_COMMANDS].map(escapeRegExp).join('|')})"`);

/** The OS command injection detector. */
export const cmdiDetector: Detector = {
  category: 'cmdi',
  rules: Object.values(CMDI_RULES),
  // A value can be a command line of words only (`uname -a`, `sleep 5`, `net user x y`).
  plainText: true,
  // In plain words a finding needs a command word with an argument (`uname -a`, `sleep 5`), a
  // wrapper or account command (`sudo`, `net user`) or a flag (` -enc`), each after a space, or a
  // recon command alone (`"whoami"`); text without a space is searched for the last only.
  plainScreen: (lower) => (lower.includes(' ') && PLAIN_COMMAND.test(lower)) || PLAIN_RECON.test(lower),
  detect(views, kind) {
    // `&& `, `| `, `;\n`: separators alone, sent to see whether the answer changes. A lone `;`, `|` or
    // `&` is left out: it is also a delimiter setting (`sep=;`).
    if (views.lower.length <= 8 && SEPARATORS_ONLY.test(views.lower))
      return [hit(CMDI_RULES['cmdi.separator-probe'], 0)];
    if (!SHELL_SYNTAX.test(views.lower)) {
      // No shell syntax at all: only a value that is itself a command line can be one.
      const hits: Hit[] = [];
      startChecks(views.lower, hits, false, WORDS_ONLY.test(views.lower));
      if (kind === 'path') pathSegmentChecks(views.lower, hits);
      encodedChecks(views.raw, views.lower, hits);
      return hits;
    }
    // Word-splitting tricks the shell erases: `${IFS}` is a space, `$@`, `$()` and empty quotes are nothing.
    const text = views.lower
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal shell expansion `${IFS}`.
      .replaceAll('${ifs}', ' ')
      .replaceAll('$ifs$9', ' ')
      .replaceAll('$ifs', ' ')
      .replaceAll('``', '')
      .replaceAll('$()', '')
      // An unset variable inside a word expands to nothing: `c${u}at /e${u}tc` is `cat /etc`.
      .replace(EMPTY_EXPANSION, '');
    const hits: Hit[] = [];
    if (text.length !== views.lower.length && /\$\{?ifs/.test(views.lower))
      hits.push(hit(CMDI_RULES['cmdi.ifs'], 0));
    const n = text.length;
    let best: Hit | undefined;
    let spanHit: Hit | undefined;
    let inBacktick = false;
    // Inside a Markdown code span (`` `cmd` `` after a space) documentation shows commands: what is
    // found there counts 1 (it needs other evidence), at full weight from paranoia 3.
    let codeSpan = false;
    /** Where the first word of two letters starts (`n` when none): prose before a code span. */
    let proseAt: number | undefined;
    // A separator that leads the value (after optional quotes/closers): `;id`, `'|id`, `&& whoami`;
    // or follows an address the application hands to a network tool (`127.0.0.1; ls -la`).
    let lead = true;
    const hostEnd = HOST_VALUE.exec(text)?.[0].length ?? -1;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      let position: Position | undefined;
      let from = i + 1;
      if (c === 59 || c === 10 || c === 13) position = 'separator';
      // A line break written as an escape (`\nid`, `"\r\nid`) where a separator may lead: a layer
      // that unescapes the value (JSON, `echo -e`, a log) turns it into one.
      else if (c === 92 && isEscapedBreak(text, i) && (lead || SEPARATOR_CHARS.includes(text[i - 1] ?? ''))) {
        from = isEscapedBreak(text, i + 2) ? i + 4 : i + 2;
        position = 'separator';
      } else if (c === 124 || c === 38) {
        if (text.charCodeAt(i + 1) === c) from++;
        position = 'separator';
      } else if (c === 36 && text.charCodeAt(i + 1) === 40) {
        from++;
        position = 'substitution';
      } else if (c === 96) {
        inBacktick = !inBacktick;
        if (inBacktick) {
          // Markdown code spans are preceded by a space; a payload's backtick follows a value or starts it.
          const before = i > 0 ? text.charCodeAt(i - 1) : 0;
          // After a space, a code span needs prose before it (`run `ls -la``); after a number or a
          // lone letter (`1 `sleep 5``, `x `id``) the backtick follows a value, as a payload's does.
          proseAt ??= PROSE_WORD.exec(text)?.index ?? n;
          position =
            (before <= 32 && i > 0 && proseAt < i) ||
            (before === 40 && text.charCodeAt(i - 2) !== 36) ||
            before > 127 ||
            before === 58 ||
            proseFollows(text, i)
              ? 'backtick'
              : 'substitution';
          if (position === 'backtick') codeSpan = true;
        } else {
          codeSpan = false;
        }
      }
      if (i === hostEnd && position === 'separator') lead = true;
      if (position === undefined) {
        // A path segment is a value of its own (`/api/%0Aid`): a separator may lead it.
        if (c === 47 && kind === 'path') lead = true;
        else if (c > 32 && !LEAD_CHARS.includes(text[i]!)) lead = false;
        continue;
      }
      const { word, end, path } = readWord(text, from);
      // `a=who;b=ami;$a$b`: a command word spelled only by variables set before it.
      if (position === 'separator' && word.charCodeAt(0) === 36 && VARIABLES_ONLY.test(word))
        hits.push(hit(CMDI_RULES['cmdi.variable-exec'], i));
      // `;$(echo d2hvYW1p|base64 -d)`: at a command position, the command is what a decoder prints.
      if (
        position === 'substitution' &&
        (lead || SEPARATOR_CHARS.includes(previousNonSpace(text, i))) &&
        DECODED_COMMAND.test(text.slice(from, from + 160))
      )
        hits.push(hit(CMDI_RULES['cmdi.encoded-command'], i));
      let score = word.length === 0 ? 0 : scoreFor(word, position, path, lead && position === 'separator');
      // Even an everyday command is decisive when pointed at system files or a remote URL.
      // A pipe into a shell runs what was piped (`echo id|sh`, `…|$0`: the running shell itself).
      if (
        position === 'separator' &&
        c === 124 &&
        SHELLS.has(word) &&
        /^[\s+;&|)]*$/.test(text.slice(end, end + 4))
      )
        score = 5;
      if (
        score > 0 &&
        score < 5 &&
        position !== 'backtick' &&
        (SYSTEM_ARGUMENT.test(firstOperand(text, end)) ||
          // An interpreter given code to run (`| perl -e '…'`, `; python -c …`).
          (INTERPRETERS.has(word) && /^[\s+]+-[ecr]\b/.test(text.slice(end, end + 8))) ||
          // A network probe at an address (`||ping -c 10 127.0.0.1||`), past its options.
          (NETWORK_PROBES.has(word) && ADDRESS.test(text.slice(end, end + 64))))
      )
        score = 5;
      // `` `true` ``, `"$(false)"`: a value that is only a substitution of a builtin that sets the exit
      // status, a blind probe of whether the value reaches a shell.
      if (
        score === 0 &&
        position === 'substitution' &&
        lead &&
        (word === 'true' || word === 'false') &&
        /^[`)]["']?\s*$/.test(text.slice(end))
      )
        score = 5;
      // A line break inside multi-line text is how documents are written: medium unless it leads.
      const newline = c === 10 || c === 13;
      if (newline && !lead && score > 3) {
        hits.push(hit(CMDI_RULES['cmdi.documented'], i));
        score = 3;
      }
      if (score > 0 && codeSpan) {
        // Documentation shows commands in code spans: evidence that needs company, weighed fully
        // from paranoia 3.
        if (score > 3) hits.push(hit(CMDI_RULES['cmdi.documented'], i));
        spanHit ??= hit(CMDI_RULES['cmdi.code-span'], i);
      } else if (score > 0 && (best === undefined || score > best.score)) {
        best = hit(graded(position === 'separator' ? 'chained-command' : 'substitution', score), i);
        if (score >= 5) break;
      }
      if (position !== 'separator') lead = false;
      // `;$(whoami)`: a substitution right after a separator is read at its own `$(`.
      if (!(word === '$' && text.startsWith('$(', end - 1))) i = Math.max(i, end - 1);
    }
    if (best !== undefined) hits.push(best);
    if (spanHit !== undefined) hits.push(spanHit);
    startChecks(text, hits, text.includes(' `') || text.includes('\n`') || text.startsWith('`'));
    if (kind === 'path') pathSegmentChecks(text, hits);
    encodedChecks(views.raw, views.lower, hits);
    return hits;
  },
};

/** Characters after which an escaped line break acts as a separator, or a substitution is a command. */
const SEPARATOR_CHARS = ';|&\n';
/** Two letters in a row, of any script: prose, as opposed to a number, an id or a lone letter. */
const PROSE_WORD = /\p{L}{2}/u;
/** A word of two to four variable expansions only (`$a$b`, `${x}${y}`). */
const VARIABLES_ONLY = /^(?:\$\{?[a-z_][a-z0-9_]{0,15}\}?){2,4}$/;
/** A substitution's body that prints a literal through a decoder (`echo d2hv…|base64 -d`, `…|rev`). */
const DECODED_COMMAND =
  /^\s*(?:echo|printf)\s[^|)`]{1,120}\|\s*(?:base64\s+(?:-d|--decode|-di)\b|xxd\s+-r|rev\b)/;

/** The last character before `i` that is not a space, or ''. */
function previousNonSpace(text: string, i: number): string {
  let j = i - 1;
  while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
  return j < 0 ? '' : text[j]!;
}
/** Shells a pipe can feed code into; `$0` is the shell that runs the command line. */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'ksh', 'dash', 'csh', 'tcsh', '$0', '$shell']);

/** The first operand after a command word at `end`: options (`-la`, `--all`) skipped, at most four. */
function firstOperand(text: string, end: number): string {
  let i = end;
  for (let options = 0; options <= 4; options++) {
    while (i < text.length && (text[i] === ' ' || text[i] === '+' || text[i] === '\t')) i++;
    if (text[i] !== '-' || options === 4) break;
    while (i < text.length && text[i] !== ' ' && text[i] !== '+' && text[i] !== '\t') i++;
  }
  return text.slice(i, i + 64);
}
/** Separators and white space only, more than one character of them, at least one separator. */
const SEPARATORS_ONLY = /^(?=[\s;|&]*[;|&])(?![;|&]$)[\s;|&]{2,8}$/;
/** An IPv4 address or a dotted host name leading the value, up to the separator after it. */
const HOST_VALUE =
  /^\s{0,4}(?:\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,6})\s{0,4}(?=[;|&\n])/;
/** Tools that probe the network; pointed at an address they are a probe, whatever their options. */
const NETWORK_PROBES = new Set([
  'ping',
  'nslookup',
  'dig',
  'host',
  'traceroute',
  'tracert',
  'curl',
  'wget',
  'telnet',
  'nc',
]);
const ADDRESS = /\b\d{1,3}(?:\.\d{1,3}){3}\b|https?:\/\//;

/** Text of words, digits, spaces, `_`, `,` and `-` only (the engine's plain text). */
const WORDS_ONLY = /^[a-z0-9 _,-]*$/;

// `\n` written as an escape counts: a layer that unescapes the value makes it a line break.
const SHELL_SYNTAX = /[;|&\n\r$`(){}<>]|\\[nr]/;
// A drive (`c:\`, `c:/`, or `c:` alone before a quote, `+` or the end: `dir c:"`) counts as a system path.
const SYSTEM_ARGUMENT =
  /^(?:\/(?:etc|bin|proc|dev|sbin|usr\/bin|root|var\/www|var\/log)\/|[a-z]:(?:[\\/"'+]|$)|https?:\/\/|\d{1,3}(?:\.\d{1,3}){3}\b)/;
// Characters that may precede a leading separator without making it mid-value (`'|id`, `+|+dir`, `$&&dir`).// Characters that may precede a leading separator without making it mid-value (`'|id`, `+|+dir`, `$&&dir`).
const LEAD_CHARS = `'"])><+$^,%*`; /** Whether the backtick span opening at `i` is followed by prose (`` `rm` को …``, `` `ls` lists ``). */
function proseFollows(text: string, i: number): boolean {
  const close = text.indexOf('`', i + 1);
  if (close < 0 || close - i > 200) return false;
  let j = close + 1;
  while (text.charCodeAt(j) === 32) j++;
  const c = text.charCodeAt(j);
  return j > close + 1 && ((c >= 97 && c <= 122) || c > 127);
}
