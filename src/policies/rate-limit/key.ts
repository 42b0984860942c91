// Builds the counter key of a request from configured parts (consumer, ip, route, header:NAME); shared
// by rate-limit, quota and concurrency.
import type { PolicyContext } from '../policy.ts';

/** Longest header value used in a key: longer ones are cut, so an attacker cannot grow keys at will. */
const MAX_PART = 256;

/** A compiled key builder. */
export type KeyBuilder = (ctx: PolicyContext) => string;

/** The identified consumer's id, or the client IP when no authn policy identified one. */
export function consumerOrIp(ctx: PolicyContext): string {
  const id = ctx.identity?.consumerId;
  return id === undefined ? `ip:${ctx.clientIp}` : `c:${id}`;
}

function part(name: string): KeyBuilder {
  if (name === 'consumer') return consumerOrIp;
  if (name === 'ip') return (ctx) => ctx.clientIp;
  if (name === 'route') return (ctx) => ctx.route.name;
  const header = name.slice('header:'.length);
  return (ctx) => {
    const value = ctx.headers[header];
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
