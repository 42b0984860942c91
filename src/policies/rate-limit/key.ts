// Builds the counter key of a request from configured parts — consumer, ip, route, header:NAME, and
// values the request carries: body:MEMBER (JSON), form:FIELD, claim:NAME (identity claim), query:NAME.
// Shared by rate-limit, quota and concurrency.
import { claimAt } from '../../identity/claims.ts';
import type { PolicyContext } from '../policy.ts';
import { fieldValue, MAX_FIELD_CHARS } from '../request-fields.ts';

/** Longest header value used in a key: longer ones are cut, so an attacker cannot grow keys at will. */
const MAX_PART = MAX_FIELD_CHARS;

/** The key part grammar (a JSON Schema pattern, linear). */
export const KEY_PART_PATTERN =
  '^(consumer|ip|route|header:[a-z0-9-]{1,64}|(body|form|claim|query):[A-Za-z0-9_.:/-]{1,128})$';

/** A compiled key builder. */
export type KeyBuilder = (ctx: PolicyContext) => string;

/** The identified consumer's id, or the client IP when no authn policy identified one. */
export function consumerOrIp(ctx: PolicyContext): string {
  const id = ctx.identity?.consumerId;
  return id === undefined ? `ip:${ctx.clientIp}` : `c:${id}`;
}

/** Whether a key part reads the request body (the route must then buffer it). */
export function keyReadsBody(parts: readonly string[]): boolean {
  return parts.some((part) => part.startsWith('body:') || part.startsWith('form:'));
}

function claimValue(ctx: PolicyContext, name: string): string | undefined {
  const value = claimAt(ctx.identity?.claims ?? {}, name);
  if (typeof value === 'string') return value.slice(0, MAX_PART);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * A part read from the request. A missing value falls back to the client address (`ip:…`), so a
 * request without the member cannot share one unlimited or empty bucket; values are prefixed (`v:`)
 * so a value can never pose as an address.
 */
function valuePart(read: (ctx: PolicyContext) => string | undefined): KeyBuilder {
  return (ctx) => {
    const value = read(ctx);
    return value === undefined || value === '' ? `ip:${ctx.clientIp}` : `v:${value}`;
  };
}

function part(name: string): KeyBuilder {
  if (name === 'consumer') return consumerOrIp;
  if (name === 'ip') return (ctx) => ctx.clientIp;
  if (name === 'route') return (ctx) => ctx.route.name;
  const colon = name.indexOf(':');
  const kind = name.slice(0, colon);
  const what = name.slice(colon + 1);
  if (kind === 'body') return valuePart((ctx) => fieldValue(ctx, { json: what }));
  if (kind === 'form') return valuePart((ctx) => fieldValue(ctx, { form: what }));
  if (kind === 'query') return valuePart((ctx) => fieldValue(ctx, { query: what }));
  if (kind === 'claim') return valuePart((ctx) => claimValue(ctx, what));
  return (ctx) => {
    const value = ctx.headers[what];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? '-' : first.slice(0, MAX_PART);
  };
}

/** Compiles `['consumer', 'header:x-tenant']` into a function giving `c:alice|acme`. */
export function compileKey(parts: readonly string[]): KeyBuilder {
  const builders = parts.map(part);
  if (builders.length === 1) return builders[0]!;
  return (ctx) => builders.map((build) => build(ctx)).join('|');
}
