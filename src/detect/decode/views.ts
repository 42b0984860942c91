// Bounded, layered decoding: the views every detector gets for one input.
import type { Views } from '../types.ts';
import { decodeEntities } from './entities.ts';
import { decodeEscapes } from './escapes.ts';
import { percentDecode } from './percent.ts';

/** At most this many rounds of percent → entities → escapes; enough for triple encoding. */
const MAX_ROUNDS = 4;

// Null bytes, zero-width and other format characters that split keywords but render as nothing.
const INVISIBLE = /[\u0000\u00ad\u180e\u200b-\u200f\u2028\u2029\u2060-\u2064\ufeff]/g;

/** Decodes until a fixed point (or the round limit), then NFKC-normalizes and removes invisibles. */
export function decodeLayers(raw: string): string {
  let text = raw;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = decodeEscapes(decodeEntities(percentDecode(text)));
    if (next === text) break;
    text = next;
  }
  // NFKC folds full-width and compatibility forms (`＜ｓｃｒｉｐｔ＞`) into ASCII (UAX #15).
  // Pure ASCII text is already NFKC; skip the normalizer for it (the common case).
  const normalized = /[^\u0000-\u007f]/.test(text) ? text.normalize('NFKC') : text;
  return normalized.replace(INVISIBLE, '');
}

/** Builds the views of one value. */
export function viewsOf(raw: string): Views {
  const decoded = decodeLayers(raw);
  return { raw, decoded, lower: decoded.toLowerCase(), changed: decoded !== raw };
}
