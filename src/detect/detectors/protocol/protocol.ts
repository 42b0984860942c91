// Protocol anomalies (the families of CRS 920/921): malformed or conflicting Content-Type and
// charset, non-numeric Content-Length, unknown transfer codings, invalid Range headers, and
// repeated query parameters. They flag at paranoia 1 and decide from paranoia 2.

import { FRAMING_CONFLICT_LOCATION } from '../../extract/headers.ts';
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { PROTOCOL_RULES } from './rules.ts';

/** Where the query extractor reports repeated parameter names (`inputsFromQuery`). */
export const DUPLICATES_LOCATION = 'query.#duplicates';

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const CHARSETS = new Set([
  'utf-8',
  'utf8',
  'us-ascii',
  'ascii',
  'iso-8859-1',
  'iso-8859-15',
  'latin1',
  'utf-16',
  'utf-16le',
  'utf-16be',
  'windows-1252',
]);
const CODINGS = new Set(['chunked', 'identity', 'gzip', 'x-gzip', 'deflate', 'compress', 'br', 'zstd']);
const MAX_RANGES = 5;
const SESSION_PARAMETERS = new Set([
  'phpsessid',
  'jsessionid',
  'aspsessionid',
  'asp.net_sessionid',
  'sessionid',
  'session_id',
  'sid',
  'cfid',
  'cftoken',
]);

/** Problems of a Content-Type value: the rule that applies, or undefined. */
function contentTypeRule(value: string): keyof typeof PROTOCOL_RULES | undefined {
  const [type = '', ...params] = value.split(';');
  const media = type.trim();
  const slash = media.indexOf('/');
  if (slash <= 0 || !TOKEN.test(media.slice(0, slash)) || !TOKEN.test(media.slice(slash + 1)))
    return 'protocol.content-type';
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) {
      if (param.trim().length > 0) return 'protocol.content-type';
      continue;
    }
    const name = param.slice(0, eq).trim();
    if (name === 'charset') {
      const charset = param
        .slice(eq + 1)
        .trim()
        .replace(/^"|"$/g, '');
      if (!CHARSETS.has(charset)) return 'protocol.charset';
    }
  }
  return undefined;
}

/** Whether a Range value is a valid byte-range set of at most five ranges (RFC 9110 §14.1.1). */
function validRange(value: string): boolean {
  if (!value.startsWith('bytes=')) return false;
  const ranges = value.slice(6).split(',');
  if (ranges.length > MAX_RANGES) return false;
  for (const range of ranges) {
    const match = /^\s*(\d{0,19})-(\d{0,19})\s*$/.exec(range);
    if (match === null || (match[1] === '' && match[2] === '')) return false;
    if (match[1] !== '' && match[2] !== '' && Number(match[1]) > Number(match[2])) return false;
  }
  return true;
}

/** The protocol anomaly detector: reads protocol headers and the duplicate-parameter report. */
export const protocolDetector: Detector = {
  category: 'protocol',
  rules: Object.values(PROTOCOL_RULES),
  detect(views, kind, location) {
    const hits: Hit[] = [];
    if (location === DUPLICATES_LOCATION) {
      hits.push(hit(PROTOCOL_RULES['protocol.parameter-pollution'], 0));
      return hits;
    }
    if (location === FRAMING_CONFLICT_LOCATION) {
      hits.push(hit(PROTOCOL_RULES['protocol.framing-conflict'], 0));
      return hits;
    }
    // `?PHPSESSID=…`, `?jsessionid=…`: a session id set through the URL (session fixation).
    if (kind === 'key' && location.startsWith('query.') && SESSION_PARAMETERS.has(views.lower)) {
      hits.push(hit(PROTOCOL_RULES['protocol.session-id-parameter'], 0));
      return hits;
    }
    if (kind !== 'header') return hits;
    const value = views.raw.trim().toLowerCase();
    let rule: keyof typeof PROTOCOL_RULES | undefined;
    switch (location) {
      case 'header.content-type':
        rule = contentTypeRule(value);
        break;
      case 'header.content-length':
        if (!/^\d{1,19}$/.test(value)) rule = 'protocol.content-length';
        break;
      case 'header.transfer-encoding':
        if (value.split(',').some((coding) => !CODINGS.has(coding.trim())))
          rule = 'protocol.transfer-encoding';
        break;
      case 'header.range':
      case 'header.request-range':
        if (!validRange(value)) rule = 'protocol.range';
        break;
    }
    if (rule !== undefined) hits.push(hit(PROTOCOL_RULES[rule], 0));
    return hits;
  },
};
