// PHP code injection: open tags, code-execution and file functions called with code-shaped
// arguments, request superglobals, `chr()` concatenation chains, serialized objects, and uploads
// whose filename makes the server run them as PHP. Linear: fixed searches, each resuming forward.
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { PHP_RULES } from './rules.ts';

/** Functions that run code or commands, or read and write files (PHP manual, "Program execution"). */
const EXEC_FUNCTIONS = new Set([
  'eval',
  'assert',
  'system',
  'passthru',
  'shell_exec',
  'exec',
  'popen',
  'proc_open',
  'pcntl_exec',
  'create_function',
  'call_user_func',
  'call_user_func_array',
  'preg_replace',
  'phpinfo',
  'phpversion',
  'file_get_contents',
  'file_put_contents',
  'fopen',
  'fwrite',
  'readfile',
  'highlight_file',
  'show_source',
  'unserialize',
  'base64_decode',
  'gzinflate',
  'gzuncompress',
  'str_rot13',
  'include',
  'include_once',
  'require',
  'require_once',
  'move_uploaded_file',
  'ini_set',
  'putenv',
  'array_map',
]);
const PHP_SYNTAX = /[($<:]/;
const SUPERGLOBAL = /\$(?:_(?:get|post|request|cookie|server|files|env|session)\b|globals\b)/;
// An argument that is code: a string, a variable, a backtick command, a nested call, `@`.
const CODE_ARGUMENT = /^\s*(?:["'`$@]|[a-z_][a-z0-9_]*\s*\(|\)\s*;?\s*(?:\?>|$))/;
const SERIALIZED_OBJECT = /(?:^|[^a-z0-9])[oc]:\d{1,4}:"[a-z_\\][a-z0-9_\\]{0,200}":\d{1,5}:\{/;
const SERIALIZED_ARRAY = /^a:\d{1,5}:\{(?:s|i):\d{1,5}[:;]/;
/** Extensions a web server may hand to PHP (also as an inner extension: `x.php.jpg`). */
const PHP_EXTENSION =
  /\.(?:php\d?|phtml|phar|pht|phps|pgif|inc)(?:\.|$|\s|%00|\u0000|;)|(?:^|[/\\])\.(?:htaccess|user\.ini)$/;

/** The file functions whose names Node and other languages share (`require('fs')` is not PHP). */
const INCLUDE_FUNCTIONS = new Set(['include', 'include_once', 'require', 'require_once']);
/**
 * What PHP is made to include: a variable, a URL or stream wrapper (`http:`, `php:`, `data:`,
 * `expect:`, `zip:`, `phar:`…), a parent or absolute path, or a PHP file. A package name or a
 * relative module path, which Node's `require` takes, is none of these.
 */
const INCLUDE_TARGET =
  /^\s*(?:[$@]|["'`]\s*(?:[a-z][a-z0-9.+-]{0,20}:\/\/|(?:data|expect|zip|phar|glob|compress\.[a-z0-9]{1,10}):|\.\.|[/\\]|[a-z]:[/\\]|[^"'`]{0,40}\.(?:php\d?|phtml|inc|txt|log)\b))/;

const SHORT_TAG_STATEMENT = /^\s+(?:echo|print|system|passthru|exec|eval|include|require|\$[a-z_])/;
const INTERPOLATED_CALL = /\$\{@[a-z_][a-z0-9_]{0,30}\s*\(|\{\$\{[a-z_][a-z0-9_]{0,30}\s*\(/;

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/** Calls of code-execution functions: the strongest one found. */
function callChecks(text: string, hits: Hit[]): void {
  let weak = -1;
  for (let open = text.indexOf('('); open >= 0; open = text.indexOf('(', open + 1)) {
    let end = open;
    while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
    let start = end;
    while (start > 0 && start > end - 24 && isNameChar(text.charCodeAt(start - 1))) start--;
    // Function names are 3 to 20 characters (`exec`, `call_user_func_array`).
    if (end - start < 3) continue;
    const name = text.slice(start, end);
    if (!EXEC_FUNCTIONS.has(name)) continue;
    // A method (`obj.exec(`, `->exec(`, `A::exec(`) or a longer name (`my_system(`) is not the PHP function.
    const before = start > 0 ? text[start - 1]! : ' ';
    const staticCall = before === ':' && text[start - 2] === ':';
    if (before === '.' || before === '>' || staticCall || before === '$') continue;
    const argument = text.slice(open + 1, open + 64);
    if (INCLUDE_FUNCTIONS.has(name)) {
      // Only what PHP would be made to include counts: `require('fs')` is Node's.
      if (!INCLUDE_TARGET.test(argument)) continue;
    } else if (
      !CODE_ARGUMENT.test(argument) &&
      !((name === 'phpinfo' || name === 'phpversion') && /^\s*\)\s*;/.test(argument))
    ) {
      if (weak < 0 && end === open) weak = start;
      continue;
    }
    hits.push(hit(PHP_RULES['php.function-call'], start));
    return;
  }
  if (weak >= 0) hits.push(hit(PHP_RULES['php.function-call.bare'], weak));
}

/** The PHP code injection detector. */
export const phpDetector: Detector = {
  category: 'php',
  rules: Object.values(PHP_RULES),
  detect(views, _kind, location) {
    const text = views.lower;
    const hits: Hit[] = [];
    if (location.endsWith('@filename')) {
      const ext = PHP_EXTENSION.exec(text);
      if (ext !== null) hits.push(hit(PHP_RULES['php.script-upload'], ext.index));
    }
    if (!PHP_SYNTAX.test(text)) return hits;
    const tag = text.indexOf('<?');
    // `<?php`, `<?=` and the short tag `<? echo …` (short_open_tag) before a statement.
    if (
      tag >= 0 &&
      (text.startsWith('php', tag + 2) ||
        /^=\s*[$a-z_`]/.test(text.slice(tag + 2, tag + 40)) ||
        SHORT_TAG_STATEMENT.test(text.slice(tag + 2, tag + 40)))
    )
      hits.push(hit(PHP_RULES['php.open-tag'], tag));
    // `${@print(md5(x))}`, `{${phpinfo()}}`: a call inside PHP's complex interpolation syntax runs
    // when the string is evaluated (the `@` and the nested braces are PHP's own).
    const interpolated = text.includes('${') ? INTERPOLATED_CALL.exec(text) : null;
    if (interpolated !== null) hits.push(hit(PHP_RULES['php.function-call'], interpolated.index));
    if (text.includes('(')) callChecks(text, hits);
    const global = text.includes('$') ? SUPERGLOBAL.exec(text) : null;
    if (global !== null) hits.push(hit(PHP_RULES['php.superglobal'], global.index));
    const chr = text.indexOf('chr(');
    if (chr >= 0 && /chr\(\d{1,3}\)\s*\.\s*chr\(/.test(text.slice(chr, chr + 400)))
      hits.push(hit(PHP_RULES['php.chr-chain'], chr));
    if (text.includes(':{')) {
      const object = SERIALIZED_OBJECT.exec(text);
      if (object !== null) hits.push(hit(PHP_RULES['php.serialized-object'], object.index));
      else if (SERIALIZED_ARRAY.test(text)) hits.push(hit(PHP_RULES['php.serialized-array'], 0));
    }
    return hits;
  },
};
