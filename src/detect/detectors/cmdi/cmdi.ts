// OS command injection: a small shell lexer finds command positions — after `;`, `|`, `&`, `&&`,
// `||`, a newline, inside `$( )` or backticks — and reads the command word there the way a shell
// would (quotes and backslashes removed, `${IFS}` as space, a path reduced to its program name).

import { decodeEntities } from '../../decode/entities.ts';
import { percentDecode } from '../../decode/percent.ts';
import { hit, type Rule } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { BIN_DIRS, FILTER_COMMANDS, STRONG_COMMANDS, TEXT_FILTERS } from './commands.ts';
import {
  EMPTY_EXPANSION,
  ENCODED_COMMAND,
  escapeRegExp,
  IDIOM_PREFILTER,
  IDIOM_SYNTAX,
  IDIOM_TRIGGERS,
  IDIOMS,
} from './idioms.ts';
import { CMDI_RULES } from './rules.ts';

type Position = 'start' | 'separator' | 'substitution' | 'backtick';

/** Reconnaissance commands that are decisive alone: no everyday text is one of these words. */
const RECON_COMMANDS = new Set([
  'whoami',
  'ipconfig',
  'ifconfig',
  'systeminfo',
  'netstat',
  'uname',
  'tasklist',
  'whoami.exe',
]);
/** Commands that run the command after them. */
const WRAPPERS = new Set([
  'nohup',
  'sudo',
  'timeout',
  'exec',
  'env',
  'nice',
  'xargs',
  'busybox',
  'time',
  'watch',
  'strace',
]);

function isWordEnd(c: number): boolean {
  return (
    c <= 32 ||
    c === 43 ||
    c === 59 ||
    c === 124 ||
    c === 38 ||
    c === 96 ||
    c === 41 ||
    c === 40 ||
    c === 60 ||
    c === 62 ||
    c === 44 ||
    c === 125 ||
    c === 123 ||
    Number.isNaN(c)
  );
}

/** `\n` or `\r` written as an escape at `i`. */
function isEscapedBreak(text: string, i: number): boolean {
  const next = text.charCodeAt(i + 1);
  return text.charCodeAt(i) === 92 && (next === 110 || next === 114);
}

/** Reads the command word at `i` the way a shell would; returns it and its end. */
function readWord(text: string, from: number): { word: string; end: number; path: boolean } {
  let i = from;
  const n = text.length;
  // Spaces, `+` (a space in URLs), brace groups and parentheses before the word (a backtick is left
  // to the caller, which tracks code spans).
  while (i < n && ' \t+{('.includes(text[i]!)) i++;
  // The word is copied in runs between removed characters (`run` is where the current run starts).
  let word = '';
  let run = i;
  while (i < n && word.length + i - run < 64) {
    const c = text.charCodeAt(i);
    // `id\n`, `id\r\n`: a line break written as an escape after the word (for a layer that
    // unescapes it) ends the word; inside a word (`u\name`) the shell removes the backslash.
    if (c === 92 && isEscapedBreak(text, i) && isWordEnd(text.charCodeAt(i + 2))) break;
    // Quote removal (`w'h'o"am"i`, `c\at`) and cmd.exe's escape caret (`w^h^o^a^m^i`).
    if (c === 39 || c === 34 || c === 92 || c === 94) {
      word += text.slice(run, i);
      i++;
      run = i;
      continue; // quote removal: w'h'o"am"i and c\at are whoami and cat
    }
    if (c === 36 && (text.startsWith('$@', i) || text.startsWith('$*', i))) {
      word += text.slice(run, i);
      i += 2;
      run = i;
      continue;
    }
    if (isWordEnd(c)) break;
    i++;
  }
  word += text.slice(run, i);
  const slash = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
  const path = slash >= 0;
  const normalized = path ? word.replaceAll('\\', '/') : word;
  const inBin = path && BIN_DIRS.some((dir) => normalized.includes(dir));
  const name = slash >= 0 ? word.slice(slash + 1) : word;
  return { word: inBin ? `${name}` : path ? '' : name, end: i, path: inBin };
}

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
    // Inside a Markdown code span (`` `cmd` `` after a space) documentation shows commands; at
    // paranoia 1 what is found there counts as medium, from paranoia 2 at full weight.
    let codeSpan = false;
    // A separator that leads the value (after optional quotes/closers): `;id`, `'|id`, `&& whoami`.
    let lead = true;
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
          position =
            (before <= 32 && i > 0) ||
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
      if (position === undefined) {
        // A path segment is a value of its own (`/api/%0Aid`): a separator may lead it.
        if (c === 47 && kind === 'path') lead = true;
        else if (c > 32 && !LEAD_CHARS.includes(text[i]!)) lead = false;
        continue;
      }
      const { word, end, path } = readWord(text, from);
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
          (INTERPRETERS.has(word) && /^[\s+]+-[ecr]\b/.test(text.slice(end, end + 8))))
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
      i = Math.max(i, end - 1);
    }
    if (best !== undefined) hits.push(best);
    if (spanHit !== undefined) hits.push(spanHit);
    startChecks(text, hits, text.includes(' `') || text.includes('\n`') || text.startsWith('`'));
    if (kind === 'path') pathSegmentChecks(text, hits);
    encodedChecks(views.raw, views.lower, hits);
    return hits;
  },
};

/** Characters after which an escaped line break acts as a separator. */
const SEPARATOR_CHARS = ';|&';

/**
 * A command line that starts a segment of a path (`/api/cat /etc/passwd`, `/files/ls -l /`): read
 * from the first segment that holds a space, when the path before it holds none (a path, not prose
 * with slashes in it).
 */
function pathSegmentChecks(text: string, hits: Hit[]): void {
  const space = text.indexOf(' ');
  if (space < 0 || hits.length > 0) return;
  const start = text.lastIndexOf('/', space) + 1;
  if (start > 0) startChecks(text.slice(start), hits, false);
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

/** One word after `which`/`whereis`, the whole rest of the value. */
const LOCATE_TOOL = /^[\s+]+[a-z0-9]{1,12}\s*$/;
/** `net` subcommands that enumerate accounts and shares, alone or with switches and host names. */
const NET_ENUMERATION =
  /^(?:view|share|session|accounts|localgroup|user|group|use)(?:\s+(?:\/[a-z:]{1,16}|\\\\[\w.-]{1,64}))*\s*$/;

/** Text of words, digits, spaces, `_`, `,` and `-` only (the engine's plain text). */
const WORDS_ONLY = /^[a-z0-9 _,-]*$/;

// `\n` written as an escape counts: a layer that unescapes the value makes it a line break.
const SHELL_SYNTAX = /[;|&\n\r$`(){}<>]|\\[nr]/;
// A drive (`c:\`, `c:/`, or `c:` alone before a quote, `+` or the end: `dir c:"`) counts as a system path.
const SYSTEM_ARGUMENT =
  /^(?:\/(?:etc|bin|proc|dev|sbin|usr\/bin|root|var\/www|var\/log)\/|[a-z]:(?:[\\/"'+]|$)|https?:\/\/|\d{1,3}(?:\.\d{1,3}){3}\b)/;
// Characters that may precede a leading separator without making it mid-value (`'|id`, `+|+dir`, `$&&dir`).
const INTERPRETERS = new Set([
  'perl',
  'python',
  'python2',
  'python3',
  'ruby',
  'php',
  'node',
  'bash',
  'sh',
  'zsh',
  'lua',
]);
const LEAD_CHARS = `'"])><+$^,%*`;
// Calls that hand a string to a shell from PHP, Python, Perl or Ruby code.
const EXEC_CALL =
  /\b(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|os\.system|subprocess\.\w+|spawn|execsync)\s*\(\s*['"$]/;
/** Whether the backtick span opening at `i` is followed by prose (`` `rm` को …``, `` `ls` lists ``). */
function proseFollows(text: string, i: number): boolean {
  const close = text.indexOf('`', i + 1);
  if (close < 0 || close - i > 200) return false;
  let j = close + 1;
  while (text.charCodeAt(j) === 32) j++;
  const c = text.charCodeAt(j);
  return j > close + 1 && ((c >= 97 && c <= 122) || c > 127);
}

const SHELL_MARKERS = [
  '() {',
  '/dev/tcp/',
  '/dev/udp/',
  'bash -i',
  'sh -i',
  '-e /bin/',
  '-e cmd',
  '<!--#exec',
  '%comspec%',
  'cmd /c',
  'cmd.exe /c',
  'powershell -',
  'pwsh -',
  'powershell.exe -',
  'mkfifo /tmp',
  '/bin/sh -c',
  '/bin/bash -c',
  'nc -l',
];
// One pass for all idioms; each must start a word (`pssh -i` is not `sh -i`).
const SHELL_IDIOM = new RegExp(
  `(^|[^a-z0-9_.-])(?:${SHELL_MARKERS.map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})`,
);

/** Commands written as escapes or decoded into a shell (`$(printf "\\x69\\x64")`). */
function encodedChecks(raw: string, lower: string, hits: Hit[]): void {
  // The raw value of a cookie or a path is still percent-encoded (`%5Cx69`), XML text may keep its
  // entities (`&lt;`): escapes are read after those layers only, as the application receives them.
  const unpercent = raw.includes('%') ? percentDecode(raw) : raw;
  const text = unpercent.includes('&') ? decodeEntities(unpercent) : unpercent;
  if (!text.includes('\\') && !lower.includes('base64') && !lower.includes('xxd') && !lower.includes('rev'))
    return;
  const found = ENCODED_COMMAND.exec(text.toLowerCase());
  if (found !== null)
    hits.push(hit(CMDI_RULES['cmdi.encoded-command'], text === raw ? found.index : 0, 'raw'));
}

/** A value that is itself a command line, or carries a reverse-shell idiom anywhere. */
function startChecks(text: string, hits: Hit[], docs: boolean, plain = false): void {
  // In text without shell syntax every idiom needs a flag (` -i`, ` -enc`): skip the patterns without one.
  const flagged = !plain || text.includes(' -');
  const marker = flagged ? SHELL_IDIOM.exec(text) : null;
  if (marker !== null) {
    const at = marker.index + marker[1]!.length;
    hits.push(hit(CMDI_RULES[docs ? 'cmdi.shell-idiom.documented' : 'cmdi.shell-idiom'], at));
    if (docs) hits.push(hit(CMDI_RULES['cmdi.documented'], at));
    return;
  }
  // Plain words can hold only a PowerShell flag among the idioms; other text needs their syntax.
  // Each idiom's pattern runs only when one of its literal triggers is in the text (a cheap search).
  const candidate = flagged && IDIOM_SYNTAX.test(text) && IDIOM_PREFILTER.test(text);
  for (const [rule, pattern] of candidate ? IDIOMS : []) {
    if (!IDIOM_TRIGGERS[rule]!.some((trigger) => text.includes(trigger))) continue;
    const found = pattern.exec(text);
    if (found === null) continue;
    // In a Markdown code span documentation shows such commands: they count from paranoia 2.
    hits.push(hit(CMDI_RULES[docs ? 'cmdi.documented' : rule], found.index));
    return;
  }
  const call = text.includes('(') ? EXEC_CALL.exec(text) : null;
  if (call !== null) {
    hits.push(hit(CMDI_RULES['cmdi.exec-call'], call.index));
    return;
  }
  const { word, end, path } = readWord(text, 0);
  // `which nc`, `whereis gcc`: asking for the path of an attack tool (which tools the host has).
  if ((word === 'which' || word === 'whereis') && LOCATE_TOOL.test(text.slice(end))) {
    const tool = readWord(text, end);
    if (STRONG_COMMANDS.has(tool.word)) hits.push(hit(CMDI_RULES['cmdi.command-line'], 0));
    return;
  }
  if (word.length === 0 || !STRONG_COMMANDS.has(word)) return;
  const rest = text.slice(end, end + 200).replace(/^[\s+]+/, '');
  // `whoami`, `ipconfig`, `systeminfo`: reconnaissance commands no other text is named like.
  if (RECON_COMMANDS.has(word) && (rest.length === 0 || /^-{1,2}[a-z]/.test(rest))) {
    hits.push(hit(CMDI_RULES['cmdi.command-line'], 0));
    return;
  }
  // `wget http://…`, `ping -c 4 10.0.0.1`, `cat /etc/passwd`, `sleep 5`: an argument shaped for a shell.
  const argument =
    /^(?:-{1,2}\w|\/[a-z?]+\b|[;|&]|%[a-z_]+%|https?:\/\/|\/(?:etc|bin|tmp|dev|proc|usr|var|home|root)\b|[a-z]:(?:[\\/"'+]|$)|\d+(?:\.\d+){3}\b|\d+\s*$)/.test(
      rest,
    );
  // A system path, a Windows environment path, an address or a URL among the arguments is decisive.
  const systemArgument =
    /^(?:\/(?:etc|bin|proc|dev)\/|[a-z]:(?:[\\/"'+]|$)|%[a-z_]+%)/.test(rest) ||
    /\b\d{1,3}(?:\.\d{1,3}){3}\b|https?:\/\/|(?:^|\s)\/(?:etc|var|home|tmp|root|proc|bin|usr|dev)\b/.test(
      rest,
    ) ||
    // A separator right after the command (`id;`, `id|`), an interpreter running inline code
    // (`perl -e`, `python -c`), or Windows account and network administration.
    /^[;|&]/.test(rest) ||
    (INTERPRETERS.has(word) && /^-[ecr]\b/.test(rest)) ||
    (word === 'net' && /^(?:user|localgroup|view|share|use|group|accounts|session)\b/.test(rest));
  // Shapes decisive without a leading argument: Windows account and registry administration, a
  // command run by another (`nohup sleep 120`, `sudo rm -rf`), a listing of the root (`ls -l /`).
  const structural =
    (word === 'net' && /^(?:user|localgroup)\s+\S+\s+\S+/.test(rest)) ||
    // `net view`, `net share`, `net user /domain`: Windows network enumeration, the whole value.
    (word === 'net' && NET_ENUMERATION.test(rest)) ||
    (word === 'reg' && /^(?:add|query|delete|save|export|import)\s+["']?hk/.test(rest)) ||
    (WRAPPERS.has(word) &&
      !/\s/.test(text.slice(0, end).trim()) &&
      STRONG_COMMANDS.has(readWord(rest, 0).word)) ||
    /^-[a-z]{1,4}\s+\/\s*$/.test(rest) ||
    // `sleep 5` as the whole value: a time-based probe.
    (word === 'sleep' && /^\d{1,4}(?:\.\d+)?\s*$/.test(rest));
  if (argument || path || structural) {
    const weak = FILTER_COMMANDS.has(word) && !path && !systemArgument && !structural;
    hits.push(hit(CMDI_RULES[weak ? 'cmdi.command-line.filter' : 'cmdi.command-line'], 0));
  }
}
