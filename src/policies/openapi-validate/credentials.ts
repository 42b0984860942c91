// Authentication presence from the spec: an operation whose `security` requires a scheme is refused
// with 401 when the request carries no credential of any acceptable requirement — a Bearer or Basic
// `Authorization`, the apiKey's header, query parameter or cookie, a client certificate — even when the
// gateway cannot verify that credential itself. `security: []` or an empty `{}` requirement (optional
// authentication) requires nothing (OpenAPI 3.1 §4.8.30).
import { deref, isObject, type Operation, queryKeyNameOf } from '../../openapi/index.ts';
import type { PolicyContext } from '../policy.ts';

/** One scheme's presence test and its challenge. */
interface SchemeCheck {
  readonly present: (ctx: PolicyContext) => boolean;
  readonly challenge: string | undefined;
}

/** An operation's requirements: any one of them satisfied (all of its schemes present) admits. */
export interface CredentialRequirements {
  /** Undefined: nothing required. */
  readonly alternatives: ReadonlyArray<readonly SchemeCheck[]> | undefined;
  readonly challenges: readonly string[];
}

const NOTHING: CredentialRequirements = { alternatives: undefined, challenges: [] };

function header(ctx: PolicyContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined;
}

/** Whether `Authorization` uses `scheme` (case-insensitive) with a non-empty credential. */
function authorizationWith(scheme: string): (ctx: PolicyContext) => boolean {
  const prefix = `${scheme.toLowerCase()} `;
  return (ctx) => {
    const value = header(ctx, 'authorization');
    return (
      value !== undefined &&
      value.length > prefix.length &&
      value.slice(0, prefix.length).toLowerCase() === prefix &&
      value.slice(prefix.length).trim() !== ''
    );
  };
}

/** Whether the Cookie header holds a cookie named `name` with a value (RFC 6265 §4.2.1). */
function hasCookie(ctx: PolicyContext, name: string): boolean {
  const cookies = header(ctx, 'cookie');
  if (cookies === undefined) return false;
  for (const pair of cookies.split(';', 256)) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name && pair.slice(eq + 1).trim() !== '') return true;
  }
  return false;
}

const quoted = (value: string) => value.replace(/["\\]/g, '');

function schemeCheck(scheme: unknown): SchemeCheck | undefined {
  if (!isObject(scheme)) return undefined;
  const type = scheme.type;
  if (type === 'http' && typeof scheme.scheme === 'string') {
    const name = scheme.scheme.toLowerCase();
    if (name === 'basic') return { present: authorizationWith('basic'), challenge: 'Basic realm="api"' };
    if (name === 'bearer') return { present: authorizationWith('bearer'), challenge: 'Bearer' };
    return { present: authorizationWith(name), challenge: scheme.scheme };
  }
  if (type === 'oauth2' || type === 'openIdConnect')
    return { present: authorizationWith('bearer'), challenge: 'Bearer' };
  if (type === 'apiKey' && typeof scheme.name === 'string') {
    const name = scheme.name;
    const challenge = `ApiKey ${scheme.in}="${quoted(name)}"`;
    if (scheme.in === 'header') {
      const lower = name.toLowerCase();
      return { present: (ctx) => (header(ctx, lower) ?? '').trim() !== '', challenge };
    }
    if (scheme.in === 'query') return { present: (ctx) => (ctx.query.get(name) ?? '') !== '', challenge };
    if (scheme.in === 'cookie') return { present: (ctx) => hasCookie(ctx, name), challenge };
  }
  if (type === 'mutualTLS')
    return { present: (ctx) => ctx.clientCertificate !== undefined, challenge: undefined };
  return undefined;
}

/**
 * Compiles what an operation requires. A scheme the document does not define (or cannot be read)
 * makes its requirement unsatisfiable here — but never the whole operation: another alternative may
 * still admit the request.
 */
export function compileRequirements(document: unknown, operation: Operation): CredentialRequirements {
  const security = operation.security;
  if (security === undefined || security.length === 0) return NOTHING;
  const components = isObject(document) && isObject(document.components) ? document.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  const alternatives: SchemeCheck[][] = [];
  const challenges: string[] = [];
  for (const requirement of security) {
    if (!isObject(requirement)) continue;
    const names = Object.keys(requirement);
    if (names.length === 0) return NOTHING; // `{}`: authentication is optional
    const checks: SchemeCheck[] = [];
    for (const name of names) {
      let scheme: unknown;
      try {
        scheme = deref(document, schemes[name]);
      } catch {
        scheme = undefined;
      }
      const check = schemeCheck(scheme);
      checks.push(check ?? { present: () => false, challenge: undefined });
      if (check?.challenge !== undefined && !challenges.includes(check.challenge))
        challenges.push(check.challenge);
    }
    alternatives.push(checks);
  }
  return alternatives.length === 0 ? NOTHING : { alternatives, challenges };
}

/** Whether the request carries the credentials of at least one alternative. */
export function credentialsPresent(requirements: CredentialRequirements, ctx: PolicyContext): boolean {
  const alternatives = requirements.alternatives;
  if (alternatives === undefined) return true;
  return alternatives.some((checks) => checks.every((check) => check.present(ctx)));
}

/** The query parameter names of the document's apiKey schemes `in: query` (credentials, not unknown parameters). */
export function credentialQueryNames(document: unknown): Set<string> {
  const names = new Set<string>();
  const components = isObject(document) && isObject(document.components) ? document.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  for (const raw of Object.values(schemes)) {
    const key = queryKeyNameOf(document, raw);
    if (key !== undefined) names.add(key);
  }
  return names;
}
