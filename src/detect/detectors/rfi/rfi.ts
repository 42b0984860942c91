// Remote file inclusion: a value that is a URL to a public IP address, a URL truncated with `?`,
// `#` or NUL so that an include's appended suffix is cut off, or a URL in a parameter whose name
// says it is included (`page`, `file`, `template`). Internal hosts are left to the SSRF detector.
import { classifyHostLiteral } from '../../../lib/ip-address.ts';
import { percentDecode } from '../../decode/percent.ts';
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { RFI_RULES } from './rules.ts';

const URL_START = /^(?:https?|ftps?|php|data|expect|smb|\\\\)[:\\]/;
const INCLUDE_NAMES = new Set([
  'file',
  'filename',
  'page',
  'include',
  'inc',
  'require',
  'template',
  'tpl',
  'path',
  'doc',
  'document',
  'folder',
  'dir',
  'root',
  'module',
  'load',
  'view',
  'content',
  'layout',
  'lang',
  'conf',
  'config',
  'style',
  'show',
  'nav',
  'site',
]);
const TRUNCATED_FILE = /\/[^/?#]*\.[a-z0-9]{1,5}(?:[?#]|%00|\u0000)?$/;
const SCRIPT_SUFFIX = /\.(?:php\d?|phtml|txt|inc|jsp|asp|aspx|pl|cgi|sh|py)(?:$|[?#])/;

/** The last name segment of a location (`query.page` → `page`, `body.a.file` → `file`). */
function parameterName(location: string): string {
  const dot = location.lastIndexOf('.');
  return location.slice(dot + 1).replace(/\[.*$/, '');
}

/** The host of a URL that starts the text (after `scheme://`). */
function hostOf(text: string): string {
  const start = text.indexOf('//') + 2;
  let end = start;
  while (end < text.length && end - start < 300 && !'/?#\\'.includes(text[end]!)) end++;
  const authority = text.slice(start, end);
  const at = authority.lastIndexOf('@');
  const host = at >= 0 ? authority.slice(at + 1) : authority;
  const colon = host.lastIndexOf(':');
  return colon > 0 && !host.endsWith(']') ? host.slice(0, colon) : host;
}

/** Headers that hold the URL of a page by definition (browsers send them on every navigation). */
const URL_HEADERS = new Set(['header.referer', 'header.origin']);

/**
 * Where a URL starts a segment of a request path (`/fetch/http://x.example/a.php`), or -1: path
 * routers hand a segment to the application as a parameter of its own.
 */
function segmentUrlStart(text: string): number {
  const colon = text.indexOf('://');
  if (colon < 0) return -1;
  let s = colon;
  while (s > 0 && colon - s < 16 && /[a-z]/.test(text[s - 1]!)) s--;
  return s > 0 && text[s - 1] === '/' ? s : -1;
}

/** The RFI detector. */
export const rfiDetector: Detector = {
  category: 'rfi',
  rules: Object.values(RFI_RULES),
  detect(views, kind, location) {
    const hits: Hit[] = [];
    if (kind === 'key' || URL_HEADERS.has(location)) return hits;
    let text = views.lower.trim();
    // As sent: a `%23` the client encoded is part of the URL, not a truncation. In a path, `?` and
    // `#` can only be sent encoded; the router decodes them into the segment the application reads.
    let sent = views.raw.trimEnd();
    let base = views.lower.length - views.lower.trimStart().length;
    if (kind === 'path') {
      const start = segmentUrlStart(text);
      if (start < 0) return hits;
      base += start;
      text = text.slice(start);
      sent = percentDecode(sent);
    }
    if (!URL_START.test(text) || !text.includes('://') || /\s/.test(text.slice(0, 300))) return hits;
    const host = hostOf(text);
    const first = host.charCodeAt(0);
    // A public address literal: the classifier names only non-public ranges.
    if (first >= 48 && first <= 57 && /^[\d.]+$/.test(host) && host.split('.').length === 4) {
      if (classifyHostLiteral(host) === undefined)
        hits.push(hit(RFI_RULES[SCRIPT_SUFFIX.test(text) ? 'rfi.ip-url' : 'rfi.ip-url.plain'], base));
    }
    const last = sent.charCodeAt(sent.length - 1);
    if (
      text.length > 10 &&
      (last === 63 || last === 35 || sent.endsWith('%00') || sent.includes('\u0000')) &&
      // A file is what an include reads: `…/shell.txt?`; an avatar URL ending in `?` is not one.
      TRUNCATED_FILE.test(text.slice(-80))
    )
      hits.push(hit(RFI_RULES['rfi.truncation'], base + text.length - 1));
    if (kind !== 'path' && INCLUDE_NAMES.has(parameterName(location).toLowerCase()))
      hits.push(hit(RFI_RULES['rfi.include-parameter'], base));
    else if (SCRIPT_SUFFIX.test(text)) hits.push(hit(RFI_RULES['rfi.off-site-url'], base));
    return hits;
  },
};
