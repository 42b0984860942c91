// From finding to fix: the Rampart route policy block that would refuse each finding's exploit, in
// the shape of `routes[].policies` of rampart.yaml (merged later by `rampart init --from-scan`).
import type { Finding, FixBlock } from './types.ts';

/** `/users/v1/{username}` → `/users/v1/:username` (the gateway's route syntax). */
export function routePath(template: string): string {
  return template.replace(/\{([^}/]{1,64})\}/g, ':$1');
}

const SPEC = 'openapi.yaml';

function routeOf(operation: string): FixBlock['route'] {
  const [method = '*', path = '*'] = operation.split(' ');
  return operation === '*' ? { methods: [], path: '/**' } : { methods: [method], path: routePath(path) };
}

const SIGNING_SECRET =
  "the API's HS256 signing secret in env:JWT_SECRET (or token-shield on its login route when the secret is weak)";

function block(f: Finding): Omit<FixBlock, 'route'> | undefined {
  const path = f.operation.split(' ')[1] ?? '/**';
  const param = /\{([^}/]{1,64})\}/.exec(path)?.[1];
  const userParam = param !== undefined && /\/(users?|accounts?|members?|profiles?)(\/v\d+)?\/\{/i.test(path);
  switch (f.check) {
    case 'authentication':
      return {
        policies: {
          jwt: {
            algorithms: ['HS256'],
            secret: 'env:JWT_SECRET',
            requireIssuer: false,
            requireAudience: false,
          },
        },
        note: /weak|forged/i.test(f.title)
          ? 'rotate the signing key to 256 random bits; while the upstream key is weak, keep its tokens off the edge (token shield) so forged ones never reach it'
          : 'the gateway verifies every token (signature, algorithm allow-list, expiry) before the API sees it',
        requires: SIGNING_SECRET,
      };
    case 'bola':
      return userParam
        ? {
            policies: {
              authorize: {
                objects: [
                  {
                    name: 'own-record',
                    param: `params.${param}`,
                    equals: 'claims.sub',
                    unlessRoles: ['admin'],
                  },
                ],
              },
            },
            note: 'object-level rule: the user named in the path must be the caller (or an admin); the claims come from the route authentication (jwt or token-shield)',
          }
        : {
            policies: {
              authorize: {
                objects: [
                  {
                    name: 'owner-only',
                    response: { member: 'owner', equals: 'claims.sub' },
                    unlessRoles: ['admin'],
                  },
                ],
              },
            },
            note: 'object-level rule on the answer: only the owner (or an admin) gets the object; another caller gets 404',
          };
    case 'bfla':
      return {
        policies: { authorize: { rules: [{ name: 'admin-only', anyOf: ['admin'] }] } },
        note: 'function-level rule: only the admin role reaches this operation (roles from the route authentication)',
      };
    case 'mass-assignment':
      return {
        policies: { 'openapi-validate': { spec: SPEC, strict: true, undeclaredProperties: 'reject' } },
        note: 'members outside the request schema (and readOnly ones) are refused with 400',
      };
    case 'data-exposure':
      return /^Credentials/.test(f.title)
        ? {
            policies: { authorize: { rules: [{ name: 'never-public', anyOf: ['admin'] }] } },
            note: 'the operation hands out credentials: refuse it to everyone but admins (response-filter keeps members the spec declares)',
          }
        : {
            policies: { 'response-filter': { spec: SPEC, undeclared: 'remove' } },
            note: 'members outside the response schema are removed before the client sees them',
          };
    case 'injection':
      return {
        policies: { detect: { paranoia: 1, spec: SPEC }, 'openapi-validate': { spec: SPEC } },
        note: 'the threat engine refuses the payload family; the contract narrows the parameter',
      };
    case 'user-enumeration':
    case 'rate-limit':
      return {
        policies: {
          'rate-limit': { rules: [{ name: 'login', limit: '10/m', key: ['ip'] }] },
          'brute-force': { maxFailures: 5, window: '5m', lockout: '1m', by: ['ip', 'credential'] },
        },
        note: 'attempts per client are limited and repeated failures lock out',
      };
    case 'resource-consumption':
      return {
        policies: {
          'request-limits': { maxBodyBytes: '16kb', json: { maxDepth: 16, maxKeys: 1000 } },
          'openapi-validate': { spec: SPEC },
        },
        note: 'oversized and overly nested input is refused; the contract bounds string lengths (maxLength)',
      };
    case 'transport':
      if (/CORS/.test(f.title))
        return {
          policies: { cors: { origins: ['https://app.example.com'], credentials: true } },
          note: 'only the listed origins are trusted, compared exactly; replace the example origin with yours',
        };
      if (/TRACE/.test(f.title))
        return {
          policies: { methods: { allow: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] } },
          note: 'TRACE is refused',
        };
      if (/Verbose/.test(f.title))
        return { policies: { 'error-sanitize': { statuses: ['5xx'] } }, note: 'error bodies are replaced' };
      return { policies: { 'security-headers': {} }, note: 'security headers added, banners removed' };
    case 'ssrf':
      return {
        policies: { detect: { categories: ['ssrf'], spec: SPEC } },
        note: 'URLs to loopback, private and metadata addresses are refused',
      };
    case 'undocumented':
      return {
        policies: { 'openapi-validate': { spec: SPEC, unknownOperations: 'reject' } },
        note: 'only documented operations are routed',
      };
    default:
      return undefined;
  }
}

/** The finding with the policy block that would refuse it (when one is known). */
export function withFix(finding: Finding): Finding {
  const fix = block(finding);
  return fix === undefined ? finding : { ...finding, fix: { route: routeOf(finding.operation), ...fix } };
}

/** Every fix block of a result, one per route and policy set, for the report's config section. */
export function fixBlocks(findings: readonly Finding[]): FixBlock[] {
  const seen = new Map<string, FixBlock>();
  for (const f of findings) {
    if (f.fix === undefined) continue;
    const key = `${f.fix.route.methods.join(',')} ${f.fix.route.path} ${Object.keys(f.fix.policies).join(',')}`;
    if (!seen.has(key)) seen.set(key, f.fix);
  }
  return [...seen.values()];
}
