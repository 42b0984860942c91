// CRLF / header injection and response splitting: a line break (also the encodings some servers
// truncate to CR/LF, like U+560A) followed by a header field or an HTTP status line (RFC 9112 §2.2).
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { CRLF_RULES } from './rules.ts';

const HEADER_NAMES = new Set([
  'set-cookie',
  'location',
  'content-type',
  'content-length',
  'content-security-policy',
  'refresh',
  'link',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'x-xss-protection',
  'transfer-encoding',
  'cache-control',
  'cookie',
  'content-disposition',
  'strict-transport-security',
  'www-authenticate',
  'proxy-authorization',
  'content-encoding',
]);

// Code points whose low byte is CR or LF and that some stacks truncate to one byte (the
// `%E5%98%8A%E5%98%8D` trick); a fixed list, so Latin letters like U+010D stay innocent.
const LINE_BREAKS = new Set([10, 13, 0x560a, 0x560d, 0x010a, 0x0085, 0x2028, 0x2029]);

const ANY_BREAK = /[\n\r\u560a\u560d\u010a\u0085\u2028\u2029]/;

// Mail headers a web form's "to" or "subject" field can smuggle into a message (RFC 5322 §3.6).
const MAIL_HEADERS = new Set(['bcc', 'cc', 'to', 'from', 'subject', 'reply-to', 'sender', 'mime-version']);
// SMTP verbs (RFC 5321 §4.1) and IMAP commands (RFC 9051 §6) a line break can start.
const SMTP =
  /^(?:mail from:|rcpt to:|helo |ehlo |vrfy |expn |rset\b|quit\b|data\s*$|data[\r\n]|\.\s*[\r\n]+\s*(?:mail|rcpt|quit))/;
const IMAP_VERBS =
  'login|logout|select|examine|fetch|store|copy|delete|rename|list|lsub|capability|append|uid|create|authenticate|starttls';
/**
 * A tagged IMAP command: a tag that holds a digit (`a002 logout`), or a command in capitals (`A LOGIN`,
 * as clients send them). Prose lines such as "a copy of this software" or "this list of conditions"
 * have a word for a tag and the verb in lower case.
 */
const IMAP_NUMBERED_TAG = new RegExp(`^[a-z]{1,7}[0-9][a-z0-9]{0,7} (?:${IMAP_VERBS})(?![a-z0-9_-])`);
const IMAP_CAPITAL_VERB = new RegExp(`^[A-Za-z0-9]{1,8} (?:${IMAP_VERBS.toUpperCase()})(?![A-Za-z0-9_-])`);

/** Whether the text has at most three lines. */
function fewLines(text: string): boolean {
  let breaks = 0;
  for (let at = text.indexOf('\n'); at >= 0 && breaks <= 3; at = text.indexOf('\n', at + 1)) breaks++;
  return breaks <= 3;
}

/** Whether a mail protocol command starts at `at` (after a line break); `cased` is the text before lower-casing. */
function isMailCommand(text: string, cased: string, at: number): boolean {
  const line = text.slice(at, at + 48);
  return SMTP.test(line) || IMAP_NUMBERED_TAG.test(line) || IMAP_CAPITAL_VERB.test(cased.slice(at, at + 48));
}

function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/** The CRLF detector. */
export const crlfDetector: Detector = {
  category: 'crlf',
  rules: Object.values(CRLF_RULES),
  detect(views, kind) {
    const hits: Hit[] = [];
    const inUrlOrHeader = kind === 'query' || kind === 'path' || kind === 'header' || kind === 'cookie';
    if (!ANY_BREAK.test(views.decoded)) {
      // `\r\n` and `0x0d0x0a` written out: line breaks for whatever unescapes the value later.
      if (inUrlOrHeader && ESCAPED_BREAK.test(views.lower)) hits.push(hit(CRLF_RULES['crlf.line-break'], 0));
      return hits;
    }
    // ASCII-only lower-casing keeps U+010A (which full lower-casing turns into U+010B).
    const text = views.decoded.replace(/[A-Z]+/g, (m) => m.toLowerCase());
    const n = text.length;
    const rawBreak = ANY_BREAK.test(views.raw);
    // A body of many lines, sent as lines, is a document (a README quoting `Content-Type: …` or
    // starting a line with `<script`): a header or a response is injected by its first line break,
    // not by its tenth. Encoded breaks (`%0d%0a` in a JSON string) are no document's formatting.
    const document = kind === 'body' && rawBreak && !fewLines(views.raw);
    let firstBreak = true;
    for (let i = 0; i < n; i++) {
      if (!LINE_BREAKS.has(text.charCodeAt(i))) continue;
      // A line break that arrived as one in a field value splits the header; an encoded one
      // (`%0A` in a Referer's query) is judged by what follows, like any value. Cookie values
      // reach detectors percent-decoded (as cookie parsers hand them over): their breaks were
      // encoded, since a raw one cannot cross an HTTP parser.
      if (kind === 'header' && rawBreak) {
        hits.push(hit(CRLF_RULES['crlf.header-break'], i));
        return hits;
      }
      let j = i + 1;
      while (
        j < n &&
        (LINE_BREAKS.has(text.charCodeAt(j)) || text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)
      )
        j++;
      // `%%0a0a` leaves `0a` behind once the inner escape is decoded (a filter that strips the
      // inner one would leave `%0a`): either way the header follows.
      if (text.startsWith('0a', j) || text.startsWith('0d', j)) j += 2;
      const start = j;
      while (j < n && j - start < 64 && isTokenChar(text.charCodeAt(j))) j++;
      const name = text.slice(start, j);
      const injects = firstBreak || !document;
      firstBreak = false;
      if (
        injects &&
        text.charCodeAt(j) === 58 &&
        (HEADER_NAMES.has(name) || (name.startsWith('x-') && name.length > 3))
      ) {
        hits.push(hit(CRLF_RULES['crlf.header-injection'], i));
        return hits;
      }
      // A one-line field (an address, a subject) with a header after a break; a quoted message
      // in free text has many lines with `From:` and `To:` among them.
      if (text.charCodeAt(j) === 58 && MAIL_HEADERS.has(name) && fewLines(text)) {
        hits.push(hit(CRLF_RULES['crlf.mail-header'], i));
        return hits;
      }
      if (isMailCommand(text, views.decoded, start)) {
        hits.push(hit(CRLF_RULES['crlf.mail-command'], i));
        return hits;
      }
      if (
        injects &&
        (text.startsWith('http/1.', start) ||
          text.startsWith('<html', start) ||
          text.startsWith('<script', start))
      ) {
        hits.push(hit(CRLF_RULES['crlf.response-splitting'], i));
        return hits;
      }
      i = Math.max(i, start - 1);
    }
    // Nothing follows the break that a header or mail line would be. A value that is only line
    // breaks (`%0d%0a`, `%0d%0d%0a%0a`) probes whether they pass: counted from paranoia 2. Text with
    // lines (a GET form's text area) has words between its breaks.
    if (inUrlOrHeader && /[\r\n]/.test(text) && text.replace(BREAKS_AND_SPACE, '').length <= 4)
      hits.push(hit(CRLF_RULES['crlf.line-break'], 0));
    return hits;
  },
};

const BREAKS_AND_SPACE = /[\s\u560a\u560d\u010a\u0085\u2028\u2029]+/g;

/** Line breaks written as escapes or hexadecimal literals (`\r\n`, `0x0d0x0a`). */
const ESCAPED_BREAK = /\\r\\n|\\n\\r|0x0d0x0a|0x0a0x0d/;
