// Reading a command word the way a shell does: quotes, escapes and carets removed, a path reduced
// to its program when it lies in a system bin directory.
import { BIN_DIRS } from './commands.ts';

/** Reconnaissance commands that are decisive alone: no everyday text is one of these words. */
export const RECON_COMMANDS = new Set([
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
export const WRAPPERS = new Set([
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
export function isEscapedBreak(text: string, i: number): boolean {
  const next = text.charCodeAt(i + 1);
  return text.charCodeAt(i) === 92 && (next === 110 || next === 114);
}

/** Reads the command word at `i` the way a shell would; returns it and its end. */
export function readWord(text: string, from: number): { word: string; end: number; path: boolean } {
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
/** Interpreters that run code given on their command line (`perl -e`, `python -c`). */
export const INTERPRETERS = new Set([
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
