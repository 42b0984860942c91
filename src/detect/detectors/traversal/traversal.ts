// Path traversal and local file inclusion: path segments are walked after decoding (encoded and
// overlong dots and slashes, `\`, `0x2e`, `....//`) to see whether they climb above their root,
// and path-shaped values are matched against well-known sensitive files and stream wrappers.
import { decodeLayers } from '../../decode/views.ts';
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { TRAVERSAL_RULES } from './rules.ts';
import { SENSITIVE_PATHS, SYSTEM_ROOTS, WRAPPERS } from './sensitive.ts';

/**
 * Separators as lenient servers read them: the division slash and set minus (U+2215, U+2216, what
 * `%u2215`/`%u2216` decode to) and private-use code points (`%uEFC8`, `%uF025`: IIS mapped them
 * to `/` and `\\` through best-fit tables). A path never holds them for another reason.
 */
const LOOKALIKE_SEPARATORS = /[\u2215\u2216\ue000-\uf8ff]/g;
/**
 * C0 and C1 are never lead bytes of valid UTF-8 (RFC 3629 §3): `%c0`/`%c1` escapes are overlong
 * encodings of ASCII, the classic way to slip `/`, `\\` and `.` past a filter. What the decoder
 * could not read of one (Latin-1 `à`/`á` for the lead byte, a control or a broken escape after it)
 * stood for a separator.
 */
const OVERLONG_ESCAPE = /%(?:c[01]|e0%80|f0%80%80|f8%80%80%80|fc%80%80%80%80)%/;
const OVERLONG_REMNANT = /[\u00c0\u00c1\u00e0\u00e1](?:%[0-9a-z]{2}|[\u0000-\u001f])?|[\u0001-\u001f]/g;

const OVERLONG_SEQUENCE = /%(?:c[01]|e0%80|f0%80%80|f8%80%80%80|fc%80%80%80%80)%([0-9a-z]{2})/g;
const STRAY_PERCENT = /%+\//g;

/**
 * The raw value with its overlong escapes read as a lenient decoder reads them (the low six bits
 * of the last byte, whatever the lead: `%c0%ae`, `%c0%2e` and `%e0%80%ae` are dots, `%c1%af` a
 * slash), any other overlong sequence a separator; then decoded like every value.
 */
function lenientOverlong(rawLower: string): string {
  const replaced = rawLower.replace(OVERLONG_SEQUENCE, (_m, last: string) => {
    const byte = Number.parseInt(last, 16);
    return !Number.isNaN(byte) && (byte & 0x3f) === 0x2e ? '.' : '/';
  });
  return decodeLayers(replaced).toLowerCase();
}

/** Traversal-specific folding: both slashes, hex-written dots/slashes, nulls. */
function fold(lower: string, raw: string): string {
  // Percent signs encoded once more (`%25c0%25ae`, a cookie's own encoding) are peeled first.
  let rawLower = raw.toLowerCase();
  for (let round = 0; round < 3 && rawLower.includes('%25'); round++)
    rawLower = rawLower.replaceAll('%25', '%');
  const overlong = OVERLONG_ESCAPE.test(rawLower) && !/\s/.test(lower);
  let text = overlong ? lenientOverlong(rawLower) : lower;
  if (text.includes('0x'))
    text = text.replaceAll('0x2e', '.').replaceAll('0x2f', '/').replaceAll('0x5c', '/');
  text = text.replaceAll('\\', '/').replace(LOOKALIKE_SEPARATORS, '/').replaceAll('\uff0e', '.');
  if (overlong) text = text.replace(OVERLONG_REMNANT, '/');
  // `%25%5c..`: a broken double encoding leaves a `%` before the separator it meant to hide.
  if (text.includes('%/') && !/\s/.test(text)) text = text.replace(STRAY_PERCENT, '/');
  // In a token, escapes no decoder could read (`%c0%qf`, `%uefc8`, `%bg`) stand where a separator
  // was: read them as one (`etc%c0%qfpasswd` is `etc/passwd` to a lenient server).
  if (text.includes('%') && !/\s/.test(text)) text = text.replace(JUNK_ESCAPES, '/');
  return text;
}

/** How far above its starting directory a path climbs, and where the first climb starts. */
function climb(text: string): { depth: number; ups: number; at: number } {
  let depth = 0;
  let lowest = 0;
  let ups = 0;
  let at = -1;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let j = text.indexOf('/', i);
    if (j < 0) j = n;
    const seg = text.slice(i, Math.min(j, i + 16));
    // `..`, and filter-evasion forms (`....`, `..;`, `.. `, `..%00`) that a naive strip turns into `..`.
    const dots = /^\.\.+[;\s]*$/.test(seg) || /^\.\.\./.test(seg);
    // A long run of dots alone is the same evasion as `....` (Windows drops trailing dots).
    if (dots && (j - i < 16 || onlyDots(text, i, j))) {
      if (at < 0) at = i;
      ups++;
      depth--;
      if (depth < lowest) lowest = depth;
    } else if (seg !== '.' && seg.length > 0) depth++;
    i = j + 1;
  }
  return { depth: -lowest, ups, at };
}

function onlyDots(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (text.charCodeAt(k) !== 46) return false;
  return true;
}

const JUNK_ESCAPES = /(?:%[0-9a-z]{2}|%u[0-9a-f]{4})+/g;

/** Two or more `..` each followed by 1–6 escape or symbol characters that are not a plain slash. */
const EXOTIC_CLIMB = /(?:\.\.(?:%[0-9a-z]{2}|%u[0-9a-f]{4}|[^a-z0-9.%/\s]){1,6}){2,}/;

const PATH_SYNTAX = /[./\\:%\u0000\u2215\u2216\uff0e\ue000-\uf8ff]|0x/;

// Sensitive paths indexed by their first three characters, so a value is scanned once.
const BY_PREFIX = new Map<string, string[]>();
for (const path of SENSITIVE_PATHS) {
  const key = path.slice(0, 3);
  BY_PREFIX.set(key, [...(BY_PREFIX.get(key) ?? []), path]);
}

/** The first sensitive path that starts the value or follows `/`, `.` or `:`, ending at a boundary. */
function findSensitive(text: string, startOnly = false): { path: string; at: number } | undefined {
  const n = startOnly ? Math.min(1, text.length) : text.length;
  for (let p = 0; p < n; p++) {
    if (p > 0) {
      const before = text.charCodeAt(p - 1);
      if (before !== 47 && before !== 46 && before !== 58) continue;
    }
    const candidates = BY_PREFIX.get(text.slice(p, p + 3));
    if (candidates === undefined) continue;
    for (const path of candidates) {
      if (!text.startsWith(path, p)) continue;
      const after = text.charCodeAt(p + path.length);
      if (after >= 97 && after <= 122 && !path.endsWith('/')) continue;
      return { path, at: p };
    }
  }
  return undefined;
}

// Text that contains none of these contains no wrapper: one search instead of one per wrapper.
const WRAPPER_HINTS = [...new Set(WRAPPERS.map((w) => (w.includes(':') ? ':' : w)))];

/**
 * A path whose names hold spaces (`/program files/apache group/conf/httpd.conf`): it starts at a
 * root or drive, has three separators or more and only name characters; a name holds at most two
 * spaces, none touching a separator. A sentence that mentions a path has words and marks outside it.
 */
function isSpacedPath(text: string): boolean {
  const t = text.trim();
  if (t.length > 300 || !(t.startsWith('/') || /^[a-z]:\//.test(t))) return false;
  let separators = 0;
  let spaces = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === '/') {
      separators++;
      spaces = 0;
    } else if (c === ' ') {
      // At most two spaces in one name (`apache group`), never next to a separator or another space.
      if (++spaces > 2 || t[i - 1] === '/' || t[i + 1] === '/' || t[i + 1] === ' ') return false;
    } else if (!/[a-z0-9._~:-]/.test(c)) return false;
  }
  return separators >= 3;
}

function isPathShaped(text: string): boolean {
  const t = text.trimStart();
  if (/\s/.test(t.slice(0, 200).trimEnd())) return false;
  return (
    t.startsWith('/') ||
    t.startsWith('~/') ||
    /^[a-z]:\//.test(t) ||
    t.startsWith('file:') ||
    t.startsWith('./')
  );
}

/** The traversal / LFI detector. */
export const traversalDetector: Detector = {
  category: 'traversal',
  rules: Object.values(TRAVERSAL_RULES),
  detect(views, kind) {
    const hits: Hit[] = [];
    if (!PATH_SYNTAX.test(views.lower)) {
      // No path syntax: only a bare sensitive file name (`authorized_keys`) can match, at the start.
      if (findSensitive(views.lower, true) !== undefined) {
        hits.push(hit(TRAVERSAL_RULES['traversal.sensitive-file.name'], 0));
      }
      return hits;
    }
    const text = fold(views.lower, views.raw);
    // `..` pairs joined by separators no decoder turned into a slash (`..%c0%5c..%c0%5c`,
    // `..%uEFC8..%uEFC8`, `..%01%c1%8s..`): broken or exotic encodings of `../` repeated.
    const run = text.includes('..') ? EXOTIC_CLIMB.exec(text) : null;
    if (run !== null) {
      hits.push(hit(TRAVERSAL_RULES['traversal.escape'], run.index));
      return hits;
    }
    // Dots alone (`...`, an ellipsis) climb nothing: a traversal needs a separator, or is `..` itself.
    if (text.includes('..') && (text.includes('/') || text.trim() === '..')) {
      const { depth, ups, at } = climb(text);
      // A value that begins by climbing (`../x`, `/../x`) means to leave its directory.
      // `.` and empty segments stay where they are: `/./../x` and `//../x` climb from the start too.
      const leading = at >= 0 && /^[/.]*$/.test(text.slice(0, at).trim());
      // Clients resolve dot segments before they send a path (RFC 3986 §5.2.4; browsers and curl do):
      // a `..` segment left in a request path was written there on purpose.
      if (depth >= 2 || (depth >= 1 && (kind === 'path' || leading)) || (kind === 'path' && ups > 0))
        hits.push(hit(TRAVERSAL_RULES['traversal.escape'], at));
      else if (depth === 1 || ups > 0)
        hits.push(
          hit(
            TRAVERSAL_RULES[depth === 1 ? 'traversal.dot-segment' : 'traversal.dot-segment.inside'],
            Math.max(0, at),
          ),
        );
    }
    const wrappers = WRAPPER_HINTS.some((hint) => text.includes(hint)) ? WRAPPERS : [];
    for (const wrapper of wrappers) {
      const at = text.indexOf(wrapper);
      if (at >= 0 && (at === 0 || !/[a-z0-9]/.test(text[at - 1]!))) {
        const leading = text.trimStart().startsWith(wrapper) || isPathShaped(text);
        // A file URL names a file (`file:///Users/me/repo` in an API document); what it reads
        // decides: system paths, sensitive files and climbs have rules of their own. One that names
        // no path at all (`file:///`, a URL-handling test string) reads nothing.
        const file = wrapper === 'file://';
        if (file && /^file:\/\/[^/\s]*\/?\s*$/.test(text.slice(at, at + 300))) break;
        const rule = file
          ? leading
            ? 'traversal.file-url'
            : 'traversal.file-url.embedded'
          : leading
            ? 'traversal.wrapper'
            : 'traversal.wrapper.embedded';
        hits.push(hit(TRAVERSAL_RULES[rule], at));
        break;
      }
    }
    const pathShaped = isPathShaped(text);
    const shapedAny = pathShaped || hits.length > 0 || text.startsWith('..') || text.includes('\u0000');
    const sensitive = findSensitive(text);
    if (sensitive !== undefined) {
      // One token, or a path whose spaces are inside its names (`/program files/apache group/…`).
      const token = !/\s/.test(text.trim().slice(0, 300)) || isSpacedPath(text);
      // A token that reaches the file through directories (`users/.htpasswd`, `??/??/etc/issue`),
      // or a drive path (`C:/Program Files/Apache/conf/httpd.conf`).
      const reached = token && sensitive.at > 0 && text[sensitive.at - 1] === '/';
      const drive = /^\s*[a-z]:/.test(text);
      const shaped = shapedAny || reached || drive || (token && text.trimStart().startsWith(sensitive.path));
      hits.push(
        hit(
          TRAVERSAL_RULES[shaped ? 'traversal.sensitive-file' : 'traversal.sensitive-file.text'],
          sensitive.at,
        ),
      );
    }
    // An empty segment before a system root in a request path (`/files//etc/passwd`): an absolute
    // path appended to a route, where a join or a lenient server reads it from the root.
    const absolute = kind === 'path' ? text.indexOf('//') : -1;
    if (absolute > 0) {
      const first = text.slice(absolute + 2).split('/')[0] ?? '';
      if (SYSTEM_ROOTS.has(first)) hits.push(hit(TRAVERSAL_RULES['traversal.system-path'], absolute));
    }
    if (pathShaped) {
      const t = text
        .trimStart()
        .replace(/^file:\/*/, '/')
        .replace(/^[a-z]:/, '');
      const segments = t.split('/').filter((s) => s.length > 0);
      const first = segments[0] ?? '';
      // `/usr` or `/lib` alone names a directory a configuration may hold (a mount, a build's file
      // list); a path into one (`/etc/passwd`, `/usr/local/etc/pure-ftpd.conf`) reaches a file.
      if (SYSTEM_ROOTS.has(first))
        hits.push(
          hit(
            TRAVERSAL_RULES[segments.length > 1 ? 'traversal.system-path' : 'traversal.system-path.root'],
            0,
          ),
        );
      else if (/^\s*[a-z]:\//.test(text)) hits.push(hit(TRAVERSAL_RULES['traversal.drive-path'], 0));
    }
    return hits;
  },
};
