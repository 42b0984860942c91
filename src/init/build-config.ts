// `rampart init`'s decisions turned into a config: one route per path and kind of operation (public,
// login, secured, administrators only), the contract and threat policies on every route, rate limits
// everywhere, tokens shielded or verified, ownership rules where the spec shows whose object it is,
// and the operations that must never be public left out with the reason in a comment.
import { dirname, relative, resolve } from 'node:path';
import { Document, isMap, isSeq, type YAMLMap } from 'yaml';
import { listOperations } from '../openapi/operations.ts';
import { isObject } from '../openapi/pointer.ts';
import type { SpecFile } from '../openapi/spec-file.ts';
import { formatSpecWarning, specWarnings } from '../openapi/spec-warnings.ts';
import { mergeScanFixes, type ScanFix } from './from-scan.ts';
import { factsOf, type OperationFacts } from './operation-facts.ts';
import { routePattern } from './route-pattern.ts';

export { routePattern } from './route-pattern.ts';

/** What init was told. */
export interface InitOptions {
  readonly spec: SpecFile;
  readonly upstream: string;
  /** The output file (the spec path in the config is written relative to its directory). */
  readonly outFile: string;
  /** `env:NAME` / `file:PATH` of the upstream's JWT secret, when the user gave it. */
  readonly jwtSecret: string | undefined;
  /** Whether that secret is weak (short or common): the upstream's own tokens cannot be trusted then. */
  readonly jwtSecretWeak: boolean;
  /** Consumer names (token subjects) allowed to call administrator-only operations. */
  readonly admins: readonly string[];
  /** Fix blocks from a scan report (`--from-scan`), merged into the matching routes. */
  readonly scanFixes?: readonly ScanFix[];
}

/** A config with what init decided and what the user still has to do. */
export interface InitResult {
  readonly yaml: string;
  readonly decisions: readonly string[];
  readonly todo: readonly string[];
  readonly denied: readonly { readonly method: string; readonly path: string; readonly reason: string }[];
}

type Kind = 'public' | 'login' | 'secured' | 'admin' | 'denied';

interface RouteGroup {
  readonly path: string;
  readonly kind: Kind;
  readonly facts: OperationFacts[];
}

type Block = Record<string, unknown>;

const TOKEN_TTL = '1h';

function routeName(path: string, kind: Kind, used: Set<string>): string {
  const words = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replaceAll(/[^A-Za-z0-9]+/g, '-').replaceAll(/^-+|-+$/g, ''));
  const base = `${words.join('-') || 'root'}${kind === 'public' ? '' : `-${kind}`}`.slice(0, 60) || 'route';
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
  used.add(name);
  return name;
}

function kindOf(facts: OperationFacts): Kind {
  if (facts.denial !== undefined) return 'denied';
  if (facts.login !== undefined) return 'login';
  if (facts.adminOnly) return 'admin';
  return facts.schemes.length > 0 ? 'secured' : 'public';
}

function schemeTypes(spec: SpecFile): Map<string, Record<string, unknown>> {
  const schemes = isObject(spec.document.components) ? spec.document.components.securitySchemes : undefined;
  const out = new Map<string, Record<string, unknown>>();
  if (isObject(schemes))
    for (const [name, value] of Object.entries(schemes)) if (isObject(value)) out.set(name, value);
  return out;
}

/**
 * Whether a scheme's credential is a bearer token in `Authorization`: HTTP bearer, and OAuth2, whose
 * access tokens are bearer tokens (RFC 6750 §2.1).
 */
function isBearer(scheme: Record<string, unknown> | undefined): boolean {
  return (
    scheme !== undefined &&
    ((scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') || scheme.type === 'oauth2')
  );
}

/** Builds the config text and the report. */
export function buildInitConfig(options: InitOptions): InitResult {
  const { spec } = options;
  const decisions: string[] = [];
  const todo: string[] = [];
  const denied: InitResult['denied'][number][] = [];
  const all = listOperations(spec).map((operation) => factsOf(spec.document, operation));
  const schemes = schemeTypes(spec);
  const login = all.find((facts) => facts.login !== undefined);
  const usesBearer = all.some((facts) => facts.schemes.some((name) => isBearer(schemes.get(name))));

  // How bearer tokens are checked: shielded when the API logs users in itself and its own tokens
  // cannot be trusted (no secret given, or a weak one); verified with the secret otherwise.
  const shield =
    usesBearer &&
    login?.login?.tokenMember !== undefined &&
    (options.jwtSecret === undefined || options.jwtSecretWeak);
  let bearerAuthn: Block | undefined;
  if (shield) {
    bearerAuthn = { 'token-shield': { role: 'accept', consumerClaim: 'sub' } };
    decisions.push(
      `bearer tokens: shielded (token-shield). ${login!.operation.method} ${login!.operation.path} answers with an opaque reference instead of the upstream's token; clients present it and the gateway forwards the real token, so a token forged with the upstream's ${options.jwtSecret === undefined ? 'unknown' : 'weak'} key never reaches it`,
    );
  } else if (usesBearer && options.jwtSecret !== undefined) {
    bearerAuthn = {
      jwt: {
        secret: options.jwtSecret,
        algorithms: ['HS256'],
        requireIssuer: false,
        requireAudience: false,
        consumerClaim: 'sub',
      },
    };
    decisions.push('bearer tokens: verified by jwt (HS256 with the secret you gave; no iss/aud required)');
    todo.push(
      'If the upstream puts iss/aud in its tokens, set jwt.issuer and jwt.audience and drop requireIssuer/requireAudience: false',
    );
  } else if (usesBearer) {
    decisions.push(
      'bearer tokens: presence checked by openapi-validate (no login operation and no --jwt-secret: nothing to verify them with)',
    );
    todo.push(
      'Give --jwt-secret env:NAME (HS*) or set jwt.jwksUrl / jwt.discovery so the gateway verifies tokens itself',
    );
  }
  for (const [name, scheme] of schemes) {
    if (isBearer(scheme)) continue;
    if (scheme.type === 'openIdConnect' && typeof scheme.openIdConnectUrl === 'string') {
      todo.push(
        `Scheme ${name} (OpenID Connect): add jwt { issuer: <issuer of ${scheme.openIdConnectUrl}>, discovery: true, audience: [...] } to the secured routes`,
      );
    } else {
      todo.push(
        `Scheme ${name} (${String(scheme.type)}): its credential's presence is checked by openapi-validate; the upstream still verifies it`,
      );
    }
  }

  const groups = new Map<string, RouteGroup>();
  for (const facts of all) {
    const { operation } = facts;
    if (facts.denial !== undefined) {
      denied.push({ method: operation.method, path: operation.path, reason: facts.denial.reason });
    }
    const kind = kindOf(facts);
    const key = `${operation.path} ${kind}`;
    const group = groups.get(key) ?? { path: operation.path, kind, facts: [] };
    group.facts.push(facts);
    groups.set(key, group);
  }

  const specPath = relative(dirname(resolve(options.outFile)), resolve(spec.path)) || spec.path;
  const used = new Set<string>();
  const routes: Block[] = [];
  /** Administrator routes still refusing everyone (a scan may name the admins). */
  const unnamedAdmins: Array<{ policies: Block; todo: string }> = [];
  const comments: string[] = [];
  for (const group of groups.values()) {
    const methods = group.facts.map((facts) => facts.operation.method);
    const policies: Block = {};
    const notes: string[] = [`${methods.join(', ')} ${group.path}: ${group.kind}`];
    if (group.kind === 'denied') {
      // Listed so that no broader route (`/users/:name` for `/users/_debug`) can forward it.
      policies.authorize = { rules: [{ name: 'never-public', deny: true }] };
      notes.splice(
        0,
        1,
        `${methods.join(', ')} ${group.path}: refused to everyone (${group.facts.map((f) => f.denial?.reason).join('; ')})`,
      );
    }
    if (group.kind === 'login') {
      const facts = group.facts[0]!.login!;
      const failure: Block = {};
      if (facts.failureStatuses.length > 0) failure.status = [...facts.failureStatuses];
      else failure.status = [401, 403];
      if (facts.failureSignal !== undefined)
        failure.json = { member: facts.failureSignal.member, equals: facts.failureSignal.equals };
      policies['login-guard'] = { username: facts.username, failure, uniform: true };
      const field = 'json' in facts.username ? `body:${facts.username.json}` : `form:${facts.username.form}`;
      policies['rate-limit'] = {
        rules: [
          { name: 'login-per-ip', limit: '30/m', key: ['ip'] },
          { name: 'login-per-user', limit: '10/m', key: [field] },
        ],
      };
      if (shield && facts.tokenMember !== undefined) {
        policies['token-shield'] = { role: 'issue', tokenPath: `body.${facts.tokenMember}`, ttl: TOKEN_TTL };
      }
      notes.push(
        'login: lockout per username and IP, every failed login answered alike (no user enumeration)',
      );
      if (facts.failureSignal === undefined && facts.failureStatuses.length === 0)
        todo.push(
          `${group.path}: say how a failed login shows in its answer (login-guard.failure) if not by status 401/403`,
        );
    }
    if (group.kind === 'secured' || group.kind === 'admin') {
      if (bearerAuthn !== undefined) Object.assign(policies, structuredClone(bearerAuthn));
      const objects: Block[] = [];
      for (const facts of group.facts) {
        if (facts.userParam !== undefined && group.kind !== 'admin') {
          objects.push({
            name: `own-${facts.userParam}`,
            methods: [facts.operation.method],
            param: `params.${facts.userParam.replaceAll(/[^A-Za-z0-9_]/g, '_')}`,
            equals: 'consumer.id',
            unlessRoles: ['admin'],
          });
          notes.push(`${facts.operation.method}: only the user named in {${facts.userParam}} (BOLA)`);
        }
        if (facts.ownerMember !== undefined) {
          objects.push({
            name: `owner-in-answer`,
            methods: [facts.operation.method],
            response: { member: facts.ownerMember, equals: 'consumer.id' },
            unlessRoles: ['admin'],
          });
          notes.push(
            `${facts.operation.method}: the answer's "${facts.ownerMember}" must be the caller, else 404 (BOLA)`,
          );
        }
      }
      const authorize: Block = { authenticated: true };
      if (group.kind === 'admin') {
        if (options.admins.length > 0) {
          authorize.rules = [
            {
              name: 'admins-only',
              when: `consumer.id in [${options.admins.map((a) => JSON.stringify(a)).join(', ')}]`,
            },
          ];
          notes.push(`administrators only: ${options.admins.join(', ')}`);
        } else {
          authorize.rules = [{ name: 'admins-only', deny: true }];
          notes.push('administrators only: refused to everyone until you name them (--admins)');
          unnamedAdmins.push({
            policies,
            todo: `${methods.join(', ')} ${group.path} is for administrators: name them with --admins (token subjects), or open it in authorize.rules`,
          });
        }
      }
      if (objects.length > 0) authorize.objects = objects;
      policies.authorize = authorize;
    }
    routes.push({
      name: routeName(group.path, group.kind, used),
      match: { path: routePattern(group.path), methods },
      upstream: 'api',
      ...(Object.keys(policies).length === 0 ? {} : { policies }),
    });
    comments.push(notes.join('; '));
  }
  if (denied.length > 0) {
    decisions.push(
      `refused to everyone (403 before the upstream): ${denied.map((d) => `${d.method} ${d.path} (${d.reason})`).join('; ')}`,
    );
  }
  // Places of the spec not validated as written (relaxed keywords, uncompilable schemas), with file and pointer.
  for (const warning of specWarnings(spec)) todo.push(formatSpecWarning(warning));

  const defaults: Block = {
    'request-limits': { maxBodyBytes: '1mb' },
    'openapi-validate': { spec: specPath, inferFormats: true },
    detect: { paranoia: 1, spec: specPath },
    'response-filter': { spec: specPath },
    'sensitive-data': {},
    'error-sanitize': {},
    'security-headers': {},
    'rate-limit': { rules: [{ name: 'per-client', limit: '600/m', key: ['consumer'] }] },
  };
  if (options.scanFixes !== undefined) {
    const { merged, waiting } = mergeScanFixes(routes as never, options.scanFixes, specPath, defaults);
    for (const line of merged) decisions.push(`from the scan: ${line}`);
    for (const line of waiting) todo.push(`from the scan: ${line}`);
  }
  for (const { policies, todo: line } of unnamedAdmins) {
    const rules = (policies.authorize as { rules?: unknown[] } | undefined)?.rules ?? [];
    if (rules.some((rule) => (rule as { deny?: unknown }).deny === true)) todo.push(line);
  }
  const config = {
    version: 1,
    server: { http: { host: '127.0.0.1', port: 8080 }, trustedProxies: [] },
    admin: { host: '127.0.0.1', port: 9901 },
    store: { sqlite: 'rampart.db' },
    upstreams: { api: { url: options.upstream } },
    defaults: { policies: defaults },
    routes,
  };
  const doc = new Document(config);
  doc.commentBefore = [
    ` Written by rampart init from ${spec.path}.`,
    ' Every route below is one path and kind of operation of the spec; requests the spec does not',
    ' describe are refused (openapi-validate), and paths it does not list answer 404.',
  ].join('\n');
  const routeNodes = doc.get('routes');
  if (isSeq(routeNodes)) {
    routeNodes.items.forEach((item, index) => {
      if (isMap(item)) (item as YAMLMap).commentBefore = ` ${comments[index] ?? ''}`;
    });
  }
  return { yaml: doc.toString({ lineWidth: 110 }), decisions, todo, denied };
}
