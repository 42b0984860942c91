// Redaction of secrets in free text (security-event evidence, reasons): JWTs, bearer credentials,
// `password=…` pairs and long hex/base64 strings. One linear pass, bounded lookahead, no regex.
import { REDACTED } from './redact.ts';

/** The default bound on redacted evidence, in characters. */
export const EVIDENCE_MAX_LENGTH = 128;

const SCHEMES = new Set(['bearer', 'basic', 'digest', 'token', 'apikey']);
const NAME_NEEDLES: readonly string[] = [
  'token',
  'key',
  'secret',
  'password',
  'passwd',
  'signature',
  'auth',
  'session',
  'cookie',
  'credential',
  'jwt',
];
// Long strings of these lengths or more are treated as secrets.
const HEX_MIN = 32;
const BASE64_MIN = 32;

// [A-Za-z0-9+/_.~-]: the characters of tokens, JWTs, base64(url) and hex.
function isWordChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2b ||
    c === 0x2f ||
    c === 0x5f ||
    c === 0x2e ||
    c === 0x7e ||
    c === 0x2d
  );
}

// Where a credential value ends: whitespace, quotes, and the separators of headers, queries and JSON.
function endsValue(c: number): boolean {
  return (
    c <= 0x20 ||
    c === 0x22 ||
    c === 0x27 ||
    c === 0x26 ||
    c === 0x3b ||
    c === 0x2c ||
    c === 0x3c ||
    c === 0x3e ||
    c === 0x29 ||
    c === 0x7d ||
    c === 0x5d
  );
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

// AWS access key ids: a 4-letter kind prefix and 16 upper-case letters or digits (20 characters).
const AWS_KEY_PREFIXES: readonly string[] = ['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'ANPA', 'ANVA', 'AIPA'];

function isAwsKeyId(word: string): boolean {
  if (word.length !== 20 || !AWS_KEY_PREFIXES.includes(word.slice(0, 4))) return false;
  for (let i = 4; i < 20; i++) {
    const c = word.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a))) return false;
  }
  return true;
}

// RFC 9562 text form (8-4-4-4-12 hex digits): an identifier, not a credential.
function isUuid(word: string): boolean {
  if (word.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const dash = i === 8 || i === 13 || i === 18 || i === 23;
    if (dash ? word.charCodeAt(i) !== 0x2d : !isHex(word.charCodeAt(i))) return false;
  }
  return true;
}

function looksSecret(word: string): boolean {
  // A JWT/JWS compact serialization starts with a base64url `{"` (RFC 7515 §7.1).
  if (word.startsWith('eyJ') && word.includes('.')) return true;
  if (isAwsKeyId(word)) return true;
  if (isUuid(word)) return false;
  if (word.length < Math.min(HEX_MIN, BASE64_MIN)) return false;
  let hex = true;
  let digits = 0;
  let letters = 0;
  let other = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (!isHex(c)) hex = false;
    if (c >= 0x30 && c <= 0x39) digits++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) letters++;
    else if (c === 0x2e || c === 0x7e) other++;
  }
  if (hex && word.length >= HEX_MIN) return true;
  return word.length >= BASE64_MIN && other === 0 && digits > 0 && letters > 0;
}

function isSensitiveName(word: string): boolean {
  const lower = word.toLowerCase();
  for (const needle of NAME_NEEDLES) if (lower.includes(needle)) return true;
  return false;
}

// After `name`, skips up to three quotes/spaces looking for `=` or `:` (bounded lookahead).
function assignsAt(text: string, from: number): boolean {
  for (let k = from; k < text.length && k < from + 4; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x3d || c === 0x3a) return true;
    if (c !== 0x20 && c !== 0x22 && c !== 0x27) return false;
  }
  return false;
}

/**
 * Replaces secret-looking parts of free text with `[REDACTED]` and bounds the result to `maxLength`
 * characters (an ellipsis marks a cut). Redaction happens before the cut, so no secret is half shown.
 */
export function redactSecretsInText(input: string, maxLength: number = EVIDENCE_MAX_LENGTH): string {
  const text = maskCardNumbers(input);
  let out = '';
  let i = 0;
  let redactNext = false;
  const n = text.length;
  while (i < n && out.length <= maxLength) {
    const c = text.charCodeAt(i);
    // Text redacted before (evidence redacted by the event channel, then by an export) stays as it is.
    if (redactNext && text.startsWith(REDACTED, i)) {
      out += REDACTED;
      i += REDACTED.length;
      redactNext = false;
      continue;
    }
    if (redactNext && !endsValue(c) && c !== 0x3d && c !== 0x3a) {
      let j = i;
      while (j < n && !endsValue(text.charCodeAt(j))) j++;
      const value = text.slice(i, j);
      // `Authorization: Bearer x`: keep the scheme, redact the credential after it.
      if (SCHEMES.has(value.toLowerCase()) && j < n && text.charCodeAt(j) === 0x20) {
        out += value;
      } else {
        out += REDACTED;
        redactNext = false;
      }
      i = j;
      continue;
    }
    if (!isWordChar(c)) {
      out += text[i];
      // A value ends at a separator, except the `=`/`:` and quotes/spaces between a name and its value.
      if (redactNext && c !== 0x3d && c !== 0x3a && c !== 0x20 && c !== 0x22 && c !== 0x27) {
        redactNext = false;
      }
      i++;
      continue;
    }
    let j = i;
    while (j < n && isWordChar(text.charCodeAt(j))) j++;
    const word = text.slice(i, j);
    out += looksSecret(word) ? REDACTED : word;
    if (SCHEMES.has(word.toLowerCase()) && j < n && text.charCodeAt(j) === 0x20) redactNext = true;
    else if (assignsAt(text, j) && isSensitiveName(word)) redactNext = true;
    i = j;
  }
  if (out.length > maxLength || i < n) return `${out.slice(0, Math.max(0, maxLength - 1))}…`;
  return out;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

// ISO/IEC 7812 check digit (Luhn).
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 0x30;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Replaces payment card numbers (13-19 digits from 2-6 passing the Luhn check, grouped or not by single
 * spaces or dashes, not part of a longer word) with `[REDACTED]`. One pass: each run is read once.
 */
export function maskCardNumbers(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (!isDigit(text.charCodeAt(i)) || (i > 0 && isAlnum(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    let j = i;
    let digits = '';
    while (j < n) {
      const c = text.charCodeAt(j);
      if (isDigit(c)) {
        digits += text[j];
        j++;
      } else if ((c === 0x20 || c === 0x2d) && j + 1 < n && isDigit(text.charCodeAt(j + 1))) {
        j++;
      } else break;
      if (digits.length > 19) break;
    }
    const bounded = j >= n || !isAlnum(text.charCodeAt(j));
    // Card numbers start 2-6 (ISO/IEC 7812 major industry identifiers of payment cards), which also
    // spares epoch-millisecond times (1…).
    const issuer = digits.charCodeAt(0) >= 0x32 && digits.charCodeAt(0) <= 0x36;
    if (bounded && issuer && digits.length >= 13 && digits.length <= 19 && luhn(digits)) {
      out += `${text.slice(last, i)}${REDACTED}`;
      last = j;
    }
    // Skip the rest of the run so it is not read again.
    while (j < n && (isAlnum(text.charCodeAt(j)) || text.charCodeAt(j) === 0x2d)) j++;
    i = Math.max(j, i + 1);
  }
  return last === 0 ? text : out + text.slice(last);
}
