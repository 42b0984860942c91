// Finds sensitive values in text in one left-to-right pass: every pattern has bounded quantifiers and
// deterministic character classes (constant work per start position), emails and private keys are
// found by anchoring on `@` and `-----BEGIN` with bounded scans, and candidates are confirmed by
// checksums (Luhn for cards, ISO 13616 mod-97 for IBANs) to keep false positives down. Strings that
// cannot hold a match (prefilter.ts) never reach the regex.
import { mayHoldPattern } from './prefilter.ts';

/** The kinds of sensitive data recognised. */
export const SENSITIVE_TYPES = [
  'card',
  'iban',
  'ssn',
  'email',
  'phone',
  'jwt',
  'privateKey',
  'cloudKey',
  'rampartKey',
] as const;
export type SensitiveType = (typeof SENSITIVE_TYPES)[number];

/** One sensitive value found in a text. */
export interface SensitiveMatch {
  readonly type: SensitiveType;
  readonly start: number;
  readonly end: number;
}

/** The alternatives of the single-pass pattern, one named group per type (exported for tests). */
export const PATTERN_SOURCE = [
  '(?<jwt>eyJ[A-Za-z0-9_-]{8,4096}\\.eyJ[A-Za-z0-9_-]{8,8192}\\.[A-Za-z0-9_-]{0,1024})',
  '(?<cloudKey>(?:AKIA|ASIA)[A-Z0-9]{16}|AIza[0-9A-Za-z_-]{35}|gh[pousr]_[A-Za-z0-9]{36}|xox[bpars]-[A-Za-z0-9-]{10,72}|sk_live_[A-Za-z0-9]{24,99})',
  '(?<rampartKey>rmp_[A-Za-z0-9_]{16,128})',
  '(?<iban>[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)',
  '(?<ssn>[0-9]{3}-[0-9]{2}-[0-9]{4})',
  '(?<card>[3-6](?:[ -]?[0-9]){12,18})',
  '(?<phone>\\+[1-9][0-9]{7,14}|\\(?[0-9]{3}\\)?[ .-][0-9]{3}[ .-][0-9]{4})',
].join('|');

const PATTERN = new RegExp(PATTERN_SOURCE, 'g');

function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
  );
}

/** Luhn checksum (ISO/IEC 7812-1) over the digits of `text`. */
export function luhnValid(text: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) continue;
    let digit = code - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
    digits++;
  }
  return digits >= 13 && sum % 10 === 0;
}

/** IBAN check digits (ISO 13616): move the first four characters to the end, letters → 10..35, mod 97 = 1. */
export function ibanValid(text: string): boolean {
  const compact = text.replaceAll(' ', '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rotated = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rotated) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

function ssnValid(text: string): boolean {
  // SSA never issues area 000, 666 or 9xx, group 00 or serial 0000.
  const area = text.slice(0, 3);
  return (
    area !== '000' &&
    area !== '666' &&
    area[0] !== '9' &&
    text.slice(4, 6) !== '00' &&
    text.slice(7) !== '0000'
  );
}

const LOCAL = /[A-Za-z0-9._%+-]/;
const DOMAIN = /[A-Za-z0-9.-]/;

function findEmails(text: string, out: SensitiveMatch[]): void {
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && at - start < 64 && LOCAL.test(text[start - 1]!)) start--;
    let end = at + 1;
    while (end < text.length && end - at <= 253 && DOMAIN.test(text[end]!)) end++;
    while (end > at + 1 && text[end - 1] === '.') end--;
    const domain = text.slice(at + 1, end);
    const dot = domain.lastIndexOf('.');
    const tld = dot === -1 ? '' : domain.slice(dot + 1);
    if (start < at && dot > 0 && tld.length >= 2 && /^[A-Za-z]{2,24}$/.test(tld)) {
      out.push({ type: 'email', start, end });
    }
    at = text.indexOf('@', Math.max(end, at + 1));
  }
}

function findPrivateKeys(text: string, out: SensitiveMatch[]): void {
  let begin = text.indexOf('-----BEGIN ');
  while (begin !== -1) {
    const header = text.indexOf('-----', begin + 11);
    if (header !== -1 && header - begin < 64 && text.slice(begin, header).endsWith('PRIVATE KEY')) {
      const endMarker = text.indexOf('-----END ', header + 5);
      const close = endMarker === -1 ? -1 : text.indexOf('-----', endMarker + 9);
      const end = close === -1 ? text.length : close + 5;
      out.push({ type: 'privateKey', start: begin, end });
      begin = text.indexOf('-----BEGIN ', end);
    } else {
      begin = text.indexOf('-----BEGIN ', begin + 11);
    }
  }
}

/** Finds the sensitive values of the `wanted` types in `text`, in order, not overlapping. */
export function scanText(text: string, wanted: ReadonlySet<SensitiveType>): SensitiveMatch[] {
  const found: SensitiveMatch[] = [];
  if (wanted.has('privateKey') && text.includes('-----BEGIN ')) findPrivateKeys(text, found);
  if (wanted.has('email') && text.includes('@')) findEmails(text, found);
  if (!mayHoldPattern(text)) return found;
  const regex = PATTERN;
  regex.lastIndex = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    const groups = match.groups!;
    const start = match.index;
    const end = start + match[0].length;
    // Whole tokens only: a match glued to letters or digits is part of something else.
    if (
      (start > 0 && isWordChar(text.charCodeAt(start - 1))) ||
      (end < text.length && isWordChar(text.charCodeAt(end)))
    ) {
      continue;
    }
    const type = (Object.keys(groups) as SensitiveType[]).find((name) => groups[name] !== undefined)!;
    if (!wanted.has(type)) continue;
    if (type === 'card' && !luhnValid(match[0])) continue;
    if (type === 'iban' && !ibanValid(match[0])) continue;
    if (type === 'ssn' && !ssnValid(match[0])) continue;
    found.push({ type, start, end });
  }
  if (found.length < 2) return found;
  found.sort((a, b) => a.start - b.start);
  const merged: SensitiveMatch[] = [];
  for (const match of found) {
    const last = merged[merged.length - 1];
    if (last === undefined || match.start >= last.end) merged.push(match);
  }
  return merged;
}

/** The masked form of a value: enough left to recognise it, never enough to use it. */
export function maskValue(type: SensitiveType, value: string): string {
  const digits = value.replace(/[^0-9]/g, '');
  switch (type) {
    case 'card':
      return `****${digits.slice(-4)}`;
    case 'iban':
      return `${value.slice(0, 2)}****${value.replaceAll(' ', '').slice(-4)}`;
    case 'ssn':
      return `***-**-${digits.slice(-4)}`;
    case 'email': {
      const at = value.indexOf('@');
      return `${value[0]}***${value.slice(at)}`;
    }
    case 'phone':
      return `****${digits.slice(-2)}`;
    case 'jwt':
      return '[redacted jwt]';
    case 'privateKey':
      return '[redacted private key]';
    case 'cloudKey':
      return `${value.slice(0, 4)}****`;
    case 'rampartKey':
      return 'rmp_****';
  }
}
