// Finds signs that an error body leaks internals: stack traces, SQL errors, file paths, internal
// addresses. Literal searches and one left-to-right pass, no regular expressions, so linear in the body.
import { createCidrSet, parseIpv4 } from '../../lib/cidr.ts';

/** What kind of internal detail a body gives away (a bounded set: used as the deny rule). */
export type LeakKind = 'stack-trace' | 'sql-error' | 'file-path' | 'internal-ip';

// Matched against the lower-cased body.
const STACK_MARKERS = [
  'traceback (most recent call last)',
  'exception in thread',
  'stack trace:',
  'stacktrace',
  '"stack":',
  'at object.<anonymous>',
  'at module._compile',
  'node:internal/',
  'at java.',
  'at org.springframework',
  'java.lang.',
  'system.nullreferenceexception',
  'goroutine 1 [running]',
  'panic: runtime error',
  'php fatal error',
  'fatal error: uncaught',
  '.py", line ',
  '.php on line ',
  '.cs:line ',
] as const;

// A source file followed by `:<line>` (`/app/x.js:12:5`, `Main.java:42`, `main.go:17`).
const SOURCE_SUFFIXES = [
  '.js:',
  '.mjs:',
  '.cjs:',
  '.ts:',
  '.java:',
  '.kt:',
  '.go:',
  '.rb:',
  '.py:',
  '.php:',
  '.cs:',
] as const;

const SQL_MARKERS = [
  'you have an error in your sql syntax',
  'sqlstate',
  'syntax error at or near',
  'unclosed quotation mark after the character string',
  'duplicate key value violates unique constraint',
  'violates foreign key constraint',
  'sqlite_error',
  'sqlite3.',
  'sqlexception',
  'sequelizedatabaseerror',
  'queryfailederror',
  'er_parse_error',
  'psycopg2',
  'pg::',
  'mysql_fetch',
  'microsoft ole db provider',
  'odbc driver',
  'quoted string not properly terminated',
] as const;

const PATH_MARKERS = [
  '/home/',
  '/usr/',
  '/var/',
  '/opt/',
  '/srv/',
  '/app/',
  '/etc/',
  '/proc/',
  'node_modules',
  'site-packages',
  'c:\\',
  '\\inetpub\\',
  'web-inf/',
] as const;

// RFC 1918 private, loopback, link-local and shared address space (RFC 6598).
const INTERNAL_V4 = createCidrSet([
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '100.64.0.0/10',
]);

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

// `marker` followed by a digit somewhere in `text`; each occurrence costs constant work.
function hasMarkerThenDigit(text: string, marker: string): boolean {
  let from = text.indexOf(marker);
  while (from !== -1) {
    if (isDigit(text.charCodeAt(from + marker.length))) return true;
    from = text.indexOf(marker, from + 1);
  }
  return false;
}

// ORA-00933 and friends: `ora-` followed by five digits.
function hasOracleError(text: string): boolean {
  let from = text.indexOf('ora-');
  while (from !== -1) {
    let digits = 0;
    while (digits < 5 && isDigit(text.charCodeAt(from + 4 + digits))) digits++;
    if (digits === 5) return true;
    from = text.indexOf('ora-', from + 1);
  }
  return false;
}

// Reads every run of digits and dots once; a run that is exactly a dotted quad is tested.
function hasInternalIpv4(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) {
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && (isDigit(text.charCodeAt(end)) || text.charCodeAt(end) === 46)) end++;
    if (end - i <= 15) {
      const value = parseIpv4(text.slice(i, end));
      if (value !== undefined && INTERNAL_V4.hasParsed({ version: 4, value })) return true;
    }
    i = end;
  }
  return false;
}

/** Returns the first kind of leak found in an (uncompressed) body, or undefined when it looks clean. */
export function findLeak(body: Uint8Array): LeakKind | undefined {
  // latin1 maps each byte to one char, so offsets stay linear and no decoding can fail.
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1').toLowerCase();
  if (STACK_MARKERS.some((marker) => text.includes(marker))) return 'stack-trace';
  if (SOURCE_SUFFIXES.some((suffix) => hasMarkerThenDigit(text, suffix))) return 'stack-trace';
  if (SQL_MARKERS.some((marker) => text.includes(marker)) || hasOracleError(text)) return 'sql-error';
  if (PATH_MARKERS.some((marker) => text.includes(marker))) return 'file-path';
  if (hasInternalIpv4(text)) return 'internal-ip';
  return undefined;
}
