// Reading one named value out of a buffered request: a JSON body member (parsed once per body and
// shared, src/openapi/json-body.ts), a form field of an `application/x-www-form-urlencoded` body (OAuth2's
// password grant, RFC 6749 §4.3.2), a header or a query parameter. Used by login-guard (the username)
// and rate-limit (keys from the body); bounded, never a regex over the body.
import { claimAt } from '../identity/claims.ts';
import { jsonOf } from '../openapi/index.ts';
import type { PolicyContext } from './policy.ts';

/** Longest value returned: longer ones are cut, so an attacker cannot grow state keys at will. */
export const MAX_FIELD_CHARS = 256;
/** Largest form body scanned for a field. */
const MAX_FORM_BYTES = 64 * 1024;

/** Where a value is read from. */
export type FieldSource =
  | { readonly json: string }
  | { readonly form: string }
  | { readonly header: string }
  | { readonly query: string };

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value.slice(0, MAX_FIELD_CHARS);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** A JSON body member by dotted path (`user.name`), when the body is a JSON object holding a scalar there. */
export function jsonMember(body: Buffer | undefined, path: string): string | undefined {
  if (body === undefined || body.length === 0) return undefined;
  const parsed = jsonOf(body);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value))
    return undefined;
  return scalar(claimAt(parsed.value as Record<string, unknown>, path));
}

/**
 * A form field's value; a field given twice is treated as absent (parameter pollution: the gateway and
 * the upstream could read different copies).
 */
export function formField(body: Buffer | undefined, name: string): string | undefined {
  if (body === undefined || body.length === 0 || body.length > MAX_FORM_BYTES) return undefined;
  const all = new URLSearchParams(body.toString('utf8')).getAll(name);
  return all.length === 1 ? all[0]!.slice(0, MAX_FIELD_CHARS) : undefined;
}

/** The value at `source` in this request, or undefined when absent, repeated or not a scalar. */
export function fieldValue(ctx: PolicyContext, source: FieldSource): string | undefined {
  if ('json' in source) return jsonMember(ctx.body, source.json);
  if ('form' in source) return formField(ctx.body, source.form);
  if ('header' in source) {
    const value = ctx.headers[source.header];
    return typeof value === 'string' ? value.slice(0, MAX_FIELD_CHARS) : undefined;
  }
  const all = ctx.query.getAll(source.query);
  return all.length === 1 ? all[0]!.slice(0, MAX_FIELD_CHARS) : undefined;
}

/** Whether reading `source` needs the request body buffered. */
export function readsBody(source: FieldSource): boolean {
  return 'json' in source || 'form' in source;
}
