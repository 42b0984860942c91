// One contract violation (`body.items[3].qty: must be <= 100`), and location rendering that never
// echoes attacker-chosen names unescaped.

/** A violation of the contract at a location of the request or response. */
export interface Violation {
  /** `query.limit`, `body.items[3].qty`, `header.x-trace`, `path.id`, `body`. */
  readonly location: string;
  readonly message: string;
}

const SAFE_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;
const MAX_SHOWN_NAME = 64;

/**
 * Renders a member name for a location: plain names as `.name`, anything else as `["…"]` with every
 * character outside printable ASCII (and the HTML-significant ones) replaced, truncated, so a
 * problem document never carries attacker markup or control characters.
 */
export function memberSegment(name: string): string {
  if (SAFE_NAME.test(name)) return `.${name}`;
  let shown = '';
  for (const char of name.slice(0, MAX_SHOWN_NAME)) {
    const code = char.codePointAt(0)!;
    shown += code < 0x20 || code > 0x7e || '<>&"\'\\`'.includes(char) ? '?' : char;
  }
  return `["${shown}${name.length > MAX_SHOWN_NAME ? '…' : ''}"]`;
}

/** Turns an ajv instance path (`/body/items/3/qty`) into a location (`body.items[3].qty`). */
export function locationOf(instancePath: string, extra?: string): string {
  const tokens = instancePath === '' ? [] : instancePath.slice(1).split('/');
  if (extra !== undefined) tokens.push(extra);
  let out = '';
  for (const raw of tokens) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (out === '') out = memberSegment(token).replace(/^\./, '');
    else out += /^(0|[1-9][0-9]{0,9})$/.test(token) ? `[${token}]` : memberSegment(token);
  }
  return out;
}
