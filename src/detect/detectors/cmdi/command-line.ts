// A value that is itself a command line (`cat /etc/passwd`, `which nc`), a reverse-shell idiom,
// an idiom of cmd.exe, PowerShell or obfuscated shells, or a command written as escapes.
import { decodeEntities } from '../../decode/entities.ts';
import { percentDecode } from '../../decode/percent.ts';
import { hit } from '../../rules.ts';
import type { Hit } from '../../types.ts';
import { FILTER_COMMANDS, STRONG_COMMANDS } from './commands.ts';
import { ENCODED_COMMAND, IDIOM_PREFILTER, IDIOM_SYNTAX, IDIOM_TRIGGERS, IDIOMS } from './idioms.ts';
import { CMDI_RULES } from './rules.ts';
import { INTERPRETERS, RECON_COMMANDS, readWord, WRAPPERS } from './shell-word.ts';

/**
 * Tools a payload looks for before using them (`which nc`); not everyday words (`which cat` is a
 * question on a pet shop's search).
 */
const LOCATED_TOOLS = new Set([
  'nc',
  'ncat',
  'netcat',
  'socat',
  'gcc',
  'cc',
  'perl',
  'python',
  'python2',
  'python3',
  'ruby',
  'php',
  'wget',
  'curl',
  'bash',
  'sh',
  'zsh',
  'nmap',
  'telnet',
  'tftp',
  'base64',
  'xxd',
  'powershell',
  'pwsh',
]);
/** One word after `which`/`whereis`, the whole rest of the value. */
const LOCATE_TOOL = /^[\s+]+[a-z0-9]{1,12}\s*$/;
/** `net` subcommands that enumerate accounts and shares, alone or with switches and host names. */
const NET_ENUMERATION =
  /^(?:view|share|session|accounts|localgroup|user|group|use)(?:\s+(?:\/[a-z:]{1,16}|\\\\[\w.-]{1,64}))*\s*$/;
// Calls that hand a string to a shell from PHP, Python, Perl or Ruby code.
const EXEC_CALL =
  /\b(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|os\.system|subprocess\.\w+|spawn|execsync)\s*\(\s*['"$]/;

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

const PERCENT_BACKSLASH = /%5c/i;
const ENTITY = /&#|&bsol;/;

/** Commands written as escapes or decoded into a shell (`$(printf "\\x69\\x64")`). */
export function encodedChecks(raw: string, lower: string, hits: Hit[]): void {
  // The raw value of a cookie or a path is still percent-encoded (`%5Cx69`), XML text may keep its
  // entities (`&lt;`): escapes are read after those layers only, as the application receives them.
  // A backslash as itself, percent-encoded or as an entity (`&#92;`, `&#x5c;`, `&bsol;`).
  const escaped =
    raw.includes('\\') ||
    (raw.includes('%') && PERCENT_BACKSLASH.test(raw)) ||
    (raw.includes('&') && ENTITY.test(raw));
  const decoder =
    lower.includes('base64') || lower.includes('xxd') || (lower.includes('$(') && lower.includes('rev'));
  if (!escaped && !decoder) return;
  const unpercent = raw.includes('%') ? percentDecode(raw) : raw;
  const text = unpercent.includes('&') ? decodeEntities(unpercent) : unpercent;
  const found = ENCODED_COMMAND.exec(text.toLowerCase());
  if (found !== null)
    hits.push(hit(CMDI_RULES['cmdi.encoded-command'], text === raw ? found.index : 0, 'raw'));
}

/** Directories whose files a globbed path names in payloads (`/bin/c[a]t`, `/e[t]c/passwd`). */
const SYSTEM_DIRS = new Set([
  'bin',
  'sbin',
  'etc',
  'usr',
  'dev',
  'proc',
  'tmp',
  'var',
  'root',
  'home',
  'lib',
]);

/**
 * Whether a glob match names a system path: `?`/`*` forms (`/???/c?t`) always do; a bracket form
 * does when its directory, with the first letter of each class, is a system one (`/bin/c[a]t`,
 * `/e[t]c/passwd`): `/docs/[s]et up` is a path with a keyboard hint in it.
 */
function globResolves(match: string): boolean {
  // `src/**/*.ts` is a build tool's globstar pattern (package.json scripts, configs), not a hidden name.
  if (match.includes('**')) return false;
  if (!match.includes('[')) return true;
  return SYSTEM_DIRS.has((match.split('/')[1] ?? '').replace(/\[([a-z])[a-z]*\]/g, '$1'));
}

/** Words cmd.exe reads with their carets dropped are at most this long (`p^o^w^e^r^s^h^e^l^l`). */
const MAX_CARET_WORD = 64;

/**
 * Whether carets hide a command: a word of letters and carets, two carets at least, that cmd.exe
 * reads as a command name once the carets go (`w^h^o^a^m^i`, `c^m^d`). Carets between random
 * letters of a generated password (`qcm[s!1^Y^Js`) spell nothing.
 */
function caretSpellsCommand(text: string): boolean {
  // One pass over the runs of letters, digits and carets that hold a caret.
  for (let at = text.indexOf('^'); at >= 0; ) {
    let start = at;
    while (start > 0 && isCaretWordChar(text.charCodeAt(start - 1))) start--;
    let end = at;
    while (end < text.length && isCaretWordChar(text.charCodeAt(end))) end++;
    if (end - start <= MAX_CARET_WORD) {
      const word = text.slice(start, end);
      const name = word.replaceAll('^', '');
      if (word.length - name.length >= 2 && (STRONG_COMMANDS.has(name) || FILTER_COMMANDS.has(name)))
        return true;
    }
    at = text.indexOf('^', end);
  }
  return false;
}

function isCaretWordChar(c: number): boolean {
  return c === 94 || (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/**
 * A separator right after a command, then the end of the value, a comment, a substitution or
 * another command (`id;`, `id|nc x 4444`, `w&&cat /etc/passwd`). A command's name glued to `&` and
 * random characters (`w&@SzO0sx…`, `du&Uz*nxA3`, a generated password) chains nothing.
 */
function separatorThenCommand(rest: string): boolean {
  let i = 0;
  while (i < rest.length && i < 4 && ';|&'.includes(rest[i]!)) i++;
  if (i === 0) return false;
  const next = rest.slice(i).trimStart();
  if (next.length === 0 || next[0] === '#' || next[0] === '`' || next.startsWith('$(')) return true;
  const following = readWord(next, 0).word;
  return STRONG_COMMANDS.has(following) || FILTER_COMMANDS.has(following) || RECON_COMMANDS.has(following);
}

/** A value that is itself a command line, or carries a reverse-shell idiom anywhere. */
export function startChecks(text: string, hits: Hit[], docs: boolean, plain = false): void {
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
    if (
      found === null ||
      (rule === 'cmdi.glob-path' && !globResolves(found[0])) ||
      (rule === 'cmdi.caret-obfuscation' && !caretSpellsCommand(text))
    )
      continue;
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
    if (LOCATED_TOOLS.has(tool.word)) hits.push(hit(CMDI_RULES['cmdi.command-line'], 0));
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
    separatorThenCommand(rest) ||
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

/**
 * A command line that starts a segment of a path (`/api/cat /etc/passwd`, `/files/ls -l /`): read
 * from the first segment that holds a space, when the path before it holds none (a path, not prose
 * with slashes in it).
 */
export function pathSegmentChecks(text: string, hits: Hit[]): void {
  const space = text.indexOf(' ');
  if (space < 0 || hits.length > 0) return;
  const start = text.lastIndexOf('/', space) + 1;
  if (start > 0) startChecks(text.slice(start), hits, false);
}
