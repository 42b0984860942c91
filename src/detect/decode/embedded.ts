// Layers a value can hide another text in: base64 (also URL-safe, also after `;base64,`) and JSON
// documents embedded in a string. The engine inspects what they hold as well as the value itself.

import { decodeEntities } from './entities.ts';
import { percentDecode } from './percent.ts';

/** Base64 texts shorter than this are too short to hide a payload and too often words. */
const MIN_BASE64 = 16;
/** Embedded texts longer than this are not decoded (the value itself is still inspected). */
const MAX_EMBEDDED = 64 * 1024;
/** At most this many strings of an embedded JSON document are inspected. */
const MAX_JSON_STRINGS = 256;

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const DATA_URL_BASE64 = /;base64,([A-Za-z0-9+/_-]{16,}={0,2})/i;
/** Decoded text must hold something detectors look for; plain words are not worth a second scan. */
const SYNTAX = /[<>'"();$%{}|&`\\]/;

/** Whether decoded bytes read as text: valid UTF-8, no controls but tab and line breaks. */
function textOf(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (text.includes('\ufffd')) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return undefined;
  }
  return text;
}

/** Whether `value` mixes character classes the way encoded bytes do (a long word does not). */
function looksEncoded(value: string): boolean {
  let upper = false;
  let lower = false;
  let other = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else if (c !== 61) other = true;
    if (upper && lower && other) return true;
  }
  return upper && lower;
}

/** Longest punctuation tail kept after a base64 run (`"/>`, `')">`): the rest of the markup it sat in. */
const MAX_TAIL = 8;
const LEADING_BASE64 = /^[A-Za-z0-9+/]{32,}={0,2}/;
const LEADING_CANDIDATE = /^[A-Za-z0-9+/%]{32}/;

/** Whether a value may start with a base64 run (`runBeforeTail`'s first test): 32 base64 or `%` characters. */
export function mayStartBase64Run(value: string): boolean {
  return LEADING_CANDIDATE.test(value.trimStart());
}

/**
 * The base64 run a value starts with when only a short punctuation tail follows it, as when a
 * `data:` URL's payload is cut out of its attribute with its closing quote (`PHN2Zy…Cg=="/>`); its
 * padding and `+` may be percent-encoded (`%3D%3D`, `%2B`).
 */
function runBeforeTail(value: string): string | undefined {
  // Most values fail here, before any decoding.
  if (!LEADING_CANDIDATE.test(value)) return undefined;
  const percent = value.includes('%') ? percentDecode(value) : value;
  // In XML or HTML text the tail is written with references (`&quot;/&gt;`).
  const text = percent.includes('&') ? decodeEntities(percent) : percent;
  const run = LEADING_BASE64.exec(text);
  if (run === null) return undefined;
  const tail = text.slice(run[0].length);
  return tail.length <= MAX_TAIL && !/[A-Za-z0-9]/.test(tail) ? run[0] : undefined;
}

/** The text a base64 value (or a `data:…;base64,` URL) decodes to, when it is text with syntax in it. */
export function base64Text(value: string): string | undefined {
  if (value.length < MIN_BASE64 || value.length > MAX_EMBEDDED) return undefined;
  let encoded = value.trim();
  if (!BASE64.test(encoded)) {
    const data =
      encoded.includes(';base64,') || encoded.includes(';BASE64,') ? DATA_URL_BASE64.exec(encoded) : null;
    if (data !== null) encoded = data[1]!;
    else {
      const run = runBeforeTail(encoded);
      if (run === undefined || !looksEncoded(run)) return undefined;
      encoded = run;
    }
  } else if (!looksEncoded(encoded)) return undefined;
  const text = textOf(Buffer.from(encoded.replaceAll('-', '+').replaceAll('_', '/'), 'base64'));
  return text !== undefined && text.length >= 4 && SYNTAX.test(text) ? text : undefined;
}

/** The member names and string leaves of a JSON document embedded in a string value. */
export function embeddedJsonStrings(value: string): string[] {
  const first = value.charCodeAt(0);
  if ((first !== 123 && first !== 91) || value.length > MAX_EMBEDDED) return [];
  const last = value.trimEnd().charCodeAt(value.trimEnd().length - 1);
  if (last !== 125 && last !== 93) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  const out: string[] = [];
  const stack: unknown[] = [parsed];
  while (stack.length > 0 && out.length < MAX_JSON_STRINGS) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.length > 0) out.push(item);
    } else if (Array.isArray(item)) {
      for (const child of item) stack.push(child);
    } else if (typeof item === 'object' && item !== null) {
      for (const key of Object.keys(item)) {
        out.push(key);
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return out;
}
