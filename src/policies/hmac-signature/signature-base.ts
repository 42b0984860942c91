// The signature base of RFC 9421 §2.5: one line per covered component, then `@signature-params`.
// Derived components (§2.2) come from the request as received, not as normalized by the gateway.
import type { PolicyContext } from '../policy.ts';

/** A component's value, or undefined when the request lacks it (the signature then fails). */
export function componentValue(ctx: PolicyContext, name: string): string | undefined {
  const q = ctx.rawUrl.indexOf('?');
  switch (name) {
    case '@method':
      return ctx.method;
    case '@path':
      return q === -1 ? ctx.rawUrl : ctx.rawUrl.slice(0, q);
    case '@query':
      // §2.2.7: an absent query is the string "?".
      return `?${ctx.rawQuery}`;
    case '@authority': {
      const host = ctx.headers.host;
      return typeof host === 'string' ? host.toLowerCase() : undefined;
    }
    case '@target-uri': {
      const host = ctx.headers.host;
      return typeof host === 'string'
        ? `${ctx.secure ? 'https' : 'http'}://${host.toLowerCase()}${ctx.rawUrl}`
        : undefined;
    }
    default: {
      if (name.startsWith('@')) return undefined;
      const value = ctx.headers[name];
      if (value === undefined) return undefined;
      // §2.1: multiple field lines are combined with ", ", each trimmed.
      return Array.isArray(value) ? value.map((v) => v.trim()).join(', ') : value.trim();
    }
  }
}

/** Builds the base for `components` and the raw `@signature-params` value; undefined if one is missing. */
export function signatureBase(
  ctx: PolicyContext,
  components: readonly string[],
  signatureParams: string,
): string | undefined {
  let base = '';
  for (const name of components) {
    const value = componentValue(ctx, name);
    if (value === undefined) return undefined;
    base += `"${name}": ${value}\n`;
  }
  return `${base}"@signature-params": ${signatureParams}`;
}
