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

/** Inputs of the named headers (lower-case names); repeated headers give one input each. */
export function inputsFromHeaders(headers: Headers, names: readonly string[] = DEFAULT_HEADERS): Input[] {
  const inputs: Input[] = [];
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one.length > 0) inputs.push({ location: `header.${name}`, value: one, kind: 'header' });
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
    if (value.length > 0) inputs.push({ location, value, kind: 'cookie' });
  }
  return inputs;
}
