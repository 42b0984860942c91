// Header and cookie inputs: selected headers by name, and each cookie value (RFC 6265 §4.2.1).
import type { Input } from '../types.ts';
import { MAX_INPUTS, segment } from './limits.ts';

/** Headers inspected unless configured otherwise: the ones applications commonly log or reflect. */
export const DEFAULT_HEADERS: readonly string[] = [
  'user-agent',
  'referer',
  'x-forwarded-host',
  'x-api-version',
  'origin',
];

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const HIGH_LATIN1 = /[\u0080-\u00ff]/;
const ABOVE_LATIN1 = /[^\u0000-\u00ff]/;

/**
 * A field value as the application reads it. Node hands header bytes over as latin1 (RFC 9110 §5.5
 * obs-text); applications read them as UTF-8, so valid UTF-8 is re-read as such (a name like
 * `Renée` must not look like `RenÃ©`, whose mojibake trips detectors).
 */
export function fieldValueText(value: string): string {
  if (!HIGH_LATIN1.test(value) || ABOVE_LATIN1.test(value)) return value;
  const text = Buffer.from(value, 'latin1').toString('utf8');
  return text.includes('\ufffd') ? value : text;
}

/** Inputs of the named headers (lower-case names); repeated headers give one input each. */
export function inputsFromHeaders(headers: Headers, names: readonly string[] = DEFAULT_HEADERS): Input[] {
  const inputs: Input[] = [];
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one.length > 0)
        inputs.push({ location: `header.${name}`, value: fieldValueText(one), kind: 'header' });
    }
  }
  return inputs;
}

/** Inputs of a Cookie header: one per cookie, named `cookie.<name>`. */
export function inputsFromCookies(cookieHeader: string | string[] | undefined): Input[] {
  const inputs: Input[] = [];
  if (cookieHeader === undefined) return inputs;
  const all = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader;
  for (const pair of all.split(';')) {
    if (inputs.length >= MAX_INPUTS) break;
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    const location = `cookie.${segment(name)}`;
    inputs.push({ location, value: name, kind: 'key' });
    if (value.length > 0) inputs.push({ location, value: fieldValueText(value), kind: 'cookie' });
  }
  return inputs;
}
