// From finding to fix: the Rampart route policy block that would refuse each finding's exploit, in
// the shape of `routes[].policies` of rampart.yaml (merged later by `rampart init --from-scan`).
import { normalizeName } from '../openapi/index.ts';
import { NEVER_LEAVE_DEFAULT } from '../policies/response-filter/never-leave.ts';
import { CREDENTIAL_NAME } from './checks/data-exposure.ts';
import { type FixFacts, type LoginFixFacts, NO_FIX_FACTS } from './fix-facts.ts';
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

const SUBJECT = /^[A-Za-z0-9@._:+-]{1,128}$/;
const TOKEN_PATH = /^[A-Za-z0-9_$-]{1,64}(\.[A-Za-z0-9_$-]{1,64}){0,7}$/;
const MAX_ALSO = 200;
const NEVER_LEAVE = new Set(NEVER_LEAVE_DEFAULT.map(normalizeName));

type Block = Omit<FixBlock, 'route'>;

/** `GET /a`, `POST /a`, `GET /b` → one route per path with its methods, `skip` left out. */
function routesOf(keys: readonly string[], skip: string): FixBlock['route'][] {
  const byPath = new Map<string, string[]>();
  for (const key of keys) {
    if (key === skip) continue;
    const [method = 'GET', path = '/'] = key.split(' ');
    byPath.set(path, [...(byPath.get(path) ?? []), method]);
  }
  return [...byPath].slice(0, MAX_ALSO).map(([path, methods]) => ({ methods, path: routePath(path) }));
}

/**
 * Broken authentication. With the login operation known and its token in a JSON answer: a token
 * shield (the gateway hands clients opaque references and forwards only tokens it saw the API issue,
 * so no forged, unsigned, tampered or expired token reaches it, whatever the API's key). Without it,
 * the gateway can verify tokens only with the API's secret, which the user has to provide — and
 * against a weak key only a new key helps.
 */
function authenticationFix(f: Finding, facts: FixFacts): Block {
  const weak = /weak/i.test(f.title);
  const login = facts.login;
  if (login?.tokenPath !== undefined && TOKEN_PATH.test(login.tokenPath)) {
    const accept = { 'token-shield': { role: 'accept', consumerClaim: 'sub' } };
    const issue: FixBlock = {
      route: routeOf(`${login.method} ${login.path}`),
      policies: { 'token-shield': { role: 'issue', tokenPath: `body.${login.tokenPath}`, ttl: '1h' } },
      note: "the login answer carries an opaque reference in place of the API's token",
    };
    const others = routesOf(facts.secured, f.operation).map((route) => ({
      route,
      policies: accept,
      note: "references accepted, the API's own token forwarded",
    }));
    return {
      policies: accept,
      note: weak
        ? 'token shield: clients get opaque references, the gateway forwards only tokens it saw the API issue, so a token forged with the weak key is refused (401) before the API sees it; still rotate the key to 256 random bits'
        : 'token shield: clients get opaque references, the gateway forwards only tokens it saw the API issue, so a missing, forged, unsigned, tampered or expired token never reaches the API',
      also: [issue, ...others],
    };
  }
  return {
    policies: {
      jwt: { algorithms: ['HS256'], secret: 'env:JWT_SECRET', requireIssuer: false, requireAudience: false },
    },
    note: 'the gateway verifies every token (signature, algorithm allow-list, expiry) before the API sees it',
    requires: weak
      ? 'a new signing key in the API (256 random bits, then in env:JWT_SECRET): the gateway cannot tell a token forged with the weak key from a real one unless it sees the login issue it (token-shield, which needs a login answering with the token in JSON)'
      : "the API's HS256 signing secret in env:JWT_SECRET",
  };
}

/** Credentials in answers: never-leave members removed whatever the spec declares (names added when the default list lacks them). */
function credentialsFix(f: Finding): Block {
  const extra = new Set<string>();
  for (const path of f.members ?? []) {
    const leaf = path.split('.').at(-1)?.replaceAll('[]', '') ?? '';
    if (CREDENTIAL_NAME.test(leaf) && !NEVER_LEAVE.has(normalizeName(leaf))) extra.add(leaf);
  }
  return {
    policies: {
      'response-filter': {
        spec: SPEC,
        ...(extra.size === 0 ? {} : { neverLeave: [...NEVER_LEAVE_DEFAULT, ...extra] }),
      },
    },
    note: `credential members${f.members === undefined ? '' : ` (${f.members.slice(0, 4).join(', ')})`} are removed from every answer of the route, whatever the spec declares; the other members pass`,
  };
}

/**
 * Object level. A user named in the path: it must be the caller. Another object: the member of the
 * answer naming its owner must be the caller — which hides what a read returns, but a write has
 * happened by the time the answer comes back, so for writes the block waits for an ownership check
 * made before the API acts (the gateway learning who created what).
 */
function bolaFix(f: Finding, param: string | undefined, userParam: boolean): Block {
  const method = f.operation.split(' ')[0] ?? 'GET';
  if (userParam)
    return {
      policies: {
        authorize: {
          objects: [
            {
              name: 'own-record',
              methods: [method],
              param: `params.${param}`,
              equals: 'claims.sub',
              unlessRoles: ['admin'],
            },
          ],
        },
      },
      note: 'object-level rule: the user named in the path must be the caller (or an admin); the claims come from the route authentication (jwt or token-shield)',
    };
  const owner = f.members?.[0];
  return {
    policies: {
      authorize: {
        objects: [
          {
            name: 'owner-only',
            methods: [method],
            response: { member: owner ?? 'owner', equals: 'claims.sub' },
            unlessRoles: ['admin'],
          },
        ],
      },
    },
    note: `object-level rule on the answer: only the owner named by "${owner ?? 'owner'}" (or an admin) gets the object; another caller gets 404`,
    ...(owner === undefined
      ? {
          requires:
            "the member of the answer that names the object's owner (the scan saw none naming the owner)",
        }
      : method === 'GET'
        ? {}
        : {
            requires:
              'an ownership check before the API acts (authorize.learnOwnership: where the create request or answer carries the id); an answer rule only hides what a write returns',
          }),
  };
}

/** Function level: the administrators the scan knows by their token subjects, else the admin role. */
function bflaFix(facts: FixFacts): Block {
  const admins = facts.admins.filter((sub) => SUBJECT.test(sub));
  return admins.length > 0
    ? {
        policies: {
          authorize: {
            rules: [
              {
                name: 'admins-only',
                when: `consumer.id in [${admins.map((sub) => JSON.stringify(sub)).join(', ')}]`,
              },
            ],
          },
        },
        note: `function-level rule: only the administrators (token subjects ${admins.join(', ')}) reach this operation; name the others there too`,
      }
    : {
        policies: { authorize: { rules: [{ name: 'admin-only', anyOf: ['admin'] }] } },
        note: 'function-level rule: only the admin role reaches this operation (roles from the route authentication)',
      };
}

/** How a failed login shows, as the scan saw it (nothing seen: login-guard's defaults, 401 and 403). */
function failureOf(login: LoginFixFacts): { failure?: Record<string, unknown> } {
  const failure = {
    ...(login.failureStatuses.length > 0 ? { status: login.failureStatuses } : {}),
    ...(login.failureMember === undefined ? {} : { json: login.failureMember }),
  };
  return Object.keys(failure).length === 0 ? {} : { failure };
}

/** Attempts at the login: limited per client address, and failed logins counted from the API's answers. */
function loginFix(facts: FixFacts, operation: string): Block | undefined {
  const login = facts.login;
  if (login === undefined || `${login.method} ${login.path}` !== operation) return undefined;
  const user = login.username === undefined ? undefined : Object.entries(login.username)[0];
  return {
    policies: {
      // Per user name (one account guessed at) and, looser, per address (a shared address logs many in).
      'rate-limit': {
        rules: [
          ...(user === undefined
            ? []
            : [
                {
                  name: 'login-attempts-per-user',
                  limit: '10/m',
                  key: [`${user[0] === 'form' ? 'form' : 'body'}:${user[1]}`],
                },
              ]),
          { name: 'login-attempts-per-ip', limit: '30/m', key: ['ip'] },
        ],
      },
      ...(login.username === undefined
        ? {}
        : {
            'login-guard': {
              username: login.username,
              ...failureOf(login),
              uniform: true,
            },
          }),
    },
    note: "attempts per client address are limited, failed logins (read from the API's answers) lock the user name and the address out, and every failure is answered alike",
  };
}

function block(f: Finding, facts: FixFacts): Block | undefined {
  const path = f.operation.split(' ')[1] ?? '/**';
  const param = /\{([^}/]{1,64})\}/.exec(path)?.[1];
  const userParam = param !== undefined && /\/(users?|accounts?|members?|profiles?)(\/v\d+)?\/\{/i.test(path);
  switch (f.check) {
    case 'authentication':
      return authenticationFix(f, facts);
    case 'bola':
      return bolaFix(f, param, userParam);
    case 'bfla':
      return bflaFix(facts);
    case 'mass-assignment':
      return {
        policies: { 'openapi-validate': { spec: SPEC, strict: true, undeclaredProperties: 'reject' } },
        note: 'members outside the request schema (and readOnly ones) are refused with 400',
      };
    case 'data-exposure':
      return /^Credentials/.test(f.title)
        ? credentialsFix(f)
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
      return (
        loginFix(facts, f.operation) ?? {
          policies: {
            'rate-limit': { rules: [{ name: 'login', limit: '10/m', key: ['ip'] }] },
            'brute-force': { maxFailures: 5, window: '5m', lockout: '1m', by: ['ip', 'credential'] },
          },
          note: 'attempts per client are limited and repeated failures lock out',
        }
      );
    case 'resource-consumption':
      if (/well-formed/.test(f.title))
        return {
          policies: { concurrency: { max: 4, key: ['consumer'] } },
          note: 'a few requests at once per caller limit how many workers the slow pattern can hold',
          requires:
            "a linear pattern in the API: the value is well formed, so no shape or length check at the gateway tells it from a real one (Rampart's own e-mail check lets it through)",
        };
      return {
        policies: {
          'request-limits': { maxBodyBytes: '16kb', json: { maxDepth: 16, maxKeys: 1000 } },
          'openapi-validate': { spec: SPEC, inferFormats: true },
        },
        note: 'oversized and overly nested input is refused; the contract bounds string lengths (maxLength), and members named like e-mail addresses must be addresses of at most 254 characters',
      };
    case 'transport':
      if (/CORS/.test(f.title))
        return {
          policies: {
            cors: {
              origins: ['https://app.example.com'],
              credentials: true,
              methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
              headers: ['content-type', 'authorization'],
            },
          },
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
export function withFix(finding: Finding, facts: FixFacts = NO_FIX_FACTS): Finding {
  const fix = block(finding, facts);
  return fix === undefined ? finding : { ...finding, fix: { route: routeOf(finding.operation), ...fix } };
}

/** Every fix block of a result, one per route and policy set, for the report's config section. */
export function fixBlocks(findings: readonly Finding[]): FixBlock[] {
  const seen = new Map<string, FixBlock>();
  for (const f of findings) {
    if (f.fix === undefined) continue;
    const { also = [], ...main } = f.fix;
    for (const fix of [main, ...also]) {
      const key = `${fix.route.methods.join(',')} ${fix.route.path} ${JSON.stringify(fix.policies)}`;
      if (!seen.has(key)) seen.set(key, fix);
    }
  }
  return [...seen.values()];
}
