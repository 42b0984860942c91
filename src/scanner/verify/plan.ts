// What `rampart verify` probes on each route of a gateway config: which routes must answer 401
// without credentials, which must answer 429 within a bounded burst, and which must refuse unknown
// fields — read from the enforced policies (defaults merged with the route's own, monitor mode out).
import { dirname, resolve } from 'node:path';
import type { RampartConfig, RouteConfig } from '../../config/schema.ts';
import { canonicalSegments, compilePathPattern } from '../../policies/authorize/path-pattern.ts';
import { loadScanSpec } from '../spec.ts';
import type { ScanOperation } from '../types.ts';

/** Policies that identify the caller (brute-force sits in the authn stage but identifies no one). */
const AUTHENTICATING = ['api-key', 'jwt', 'basic', 'hmac-signature', 'mtls'] as const;
/** Methods verify sends, in order of preference (HEAD answers carry no error code to check). */
const SENT_METHODS = ['GET', 'POST'] as const;
/** Extra requests beyond the configured capacity before a missing 429 counts as a failure. */
const BURST_SLACK = 3;

type Block = Readonly<Record<string, unknown>> & { readonly mode?: string };

/** A rate limit to prove: the burst that must see a 429. */
export interface LimitProbe {
  readonly rule: string;
  /** Requests that must include a 429: the capacity of the tightest rule plus a little slack. */
  readonly burst: number;
}

/** An unknown-field probe: an operation of the route's contract and where the unknown field goes. */
export interface FieldProbe {
  readonly op: ScanOperation;
  /** The request path of the operation behind the gateway (basePath applied). */
  readonly path: string;
  readonly where: 'query' | 'body';
}

/** Everything verify checks on one route. */
export interface RoutePlan {
  readonly route: string;
  readonly pattern: string;
  /** The method and concrete path probed; undefined when the route only takes destructive methods. */
  readonly method: (typeof SENT_METHODS)[number] | undefined;
  readonly path: string;
  /** The authenticating policies enforced here (empty: the route is public by config). */
  readonly authn: readonly string[];
  readonly limit: LimitProbe | undefined;
  readonly fields: readonly FieldProbe[];
}

function enforced(config: RampartConfig, route: RouteConfig): Map<string, Block> {
  const blocks = {
    ...(config.defaults?.policies ?? {}),
    ...(route.policies ?? {}),
  } as Record<string, Block | undefined>;
  const out = new Map<string, Block>();
  for (const [name, block] of Object.entries(blocks))
    if (block !== undefined && block.mode !== 'monitor' && block.mode !== 'off') out.set(name, block);
  return out;
}

interface AuthorizeRuleBlock {
  readonly paths: readonly string[];
  readonly methods?: readonly string[];
  readonly public?: boolean;
  readonly deny?: boolean;
}

/** Whether an anonymous `method path` gets past the authorize block (first matching rule decides). */
function publicByRule(authorize: Block, method: string, path: string): boolean {
  if (authorize.public === true) return true;
  const segments = canonicalSegments(path);
  const wanted = method === 'HEAD' ? 'GET' : method;
  for (const rule of (authorize.rules ?? []) as AuthorizeRuleBlock[]) {
    if (rule.methods !== undefined && !rule.methods.includes(wanted)) continue;
    const caseSensitive = authorize.caseSensitive === true;
    if (rule.paths.some((p) => compilePathPattern(p, caseSensitive).match(segments) !== undefined))
      return rule.public === true && rule.deny !== true;
  }
  return false;
}

/**
 * The policies that must refuse an anonymous request: the authenticating ones, or — when they are
 * all `optional` — `authorize` unless it lets this path through publicly. Empty: public by config.
 */
function requiredAuthn(blocks: Map<string, Block>, method: string | undefined, path: string): string[] {
  const authn = AUTHENTICATING.filter((name) => blocks.has(name));
  if (authn.length === 0 || method === undefined) return authn;
  if (authn.some((name) => blocks.get(name)?.optional !== true)) return authn;
  const authorize = blocks.get('authorize');
  if (authorize === undefined || publicByRule(authorize, method, path)) return [];
  return [...authn, 'authorize'];
}

/** A concrete path of a route pattern: `:id` → `1`, `*` → `verify`. */
export function concretePath(pattern: string): string {
  return pattern.replace(/:[A-Za-z0-9_]{1,64}/g, '1').replace(/\*/g, 'verify');
}

function methodOf(route: RouteConfig, blocks: Map<string, Block>): RoutePlan['method'] {
  const allowed = (blocks.get('methods')?.allow as string[] | undefined) ?? route.match.methods;
  if (allowed === undefined) return 'GET';
  return SENT_METHODS.find((m) => allowed.includes(m));
}

/** Requests per window of the tightest rule, a token bucket's burst included. */
function limitOf(block: Block | undefined): LimitProbe | undefined {
  if (block === undefined) return undefined;
  const rules = (block.rules ?? []) as Array<{ name: string; limit: string; burst?: number }>;
  let tightest: LimitProbe | undefined;
  for (const rule of rules) {
    const capacity = Math.max(Number(rule.limit.split('/')[0]), rule.burst ?? 0);
    if (tightest === undefined || capacity + BURST_SLACK < tightest.burst)
      tightest = { rule: rule.name, burst: capacity + BURST_SLACK };
  }
  return tightest;
}

/** Whether a spec path template (`/users/{id}`) under `basePath` is served by a route pattern. */
function served(pattern: string, template: string): boolean {
  const a = pattern.split('/');
  const b = template.split('/');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '*') return true;
    if (b[i] === undefined) return false;
    if (a[i]!.startsWith(':') || a[i] === b[i] || (b[i]!.startsWith('{') && a[i] !== '')) continue;
    return false;
  }
  return a.length === b.length;
}

function fieldsOf(route: RouteConfig, block: Block | undefined, configDir: string): FieldProbe[] {
  if (block === undefined || typeof block.spec !== 'string') return [];
  const strict = block.strict !== false;
  const query = block.unknownQuery === 'reject' || (strict && block.unknownQuery !== 'allow');
  const body = block.undeclaredProperties === 'reject' || (strict && block.undeclaredProperties !== 'allow');
  const base = typeof block.basePath === 'string' ? block.basePath.replace(/\/$/, '') : '';
  const { operations } = loadScanSpec(resolve(configDir, block.spec));
  const mine = operations.filter((op) => served(route.match.path, `${base}${op.path}`));
  const out: FieldProbe[] = [];
  const get = mine.find((op) => op.method === 'GET');
  if (query && get !== undefined) out.push({ op: get, path: `${base}${get.path}`, where: 'query' });
  const post = mine.find((op) => op.method === 'POST' && op.body !== undefined);
  if (body && post !== undefined) out.push({ op: post, path: `${base}${post.path}`, where: 'body' });
  return out;
}

/** Reads the plan of every route of a loaded config; `configFile` locates relative spec paths. */
export function planOf(config: RampartConfig, configFile: string): RoutePlan[] {
  const configDir = dirname(resolve(configFile));
  return config.routes.map((route) => {
    const blocks = enforced(config, route);
    const method = methodOf(route, blocks);
    const path = concretePath(route.match.path);
    return {
      route: route.name,
      pattern: route.match.path,
      method,
      path,
      authn: requiredAuthn(blocks, method, path),
      limit: limitOf(blocks.get('rate-limit')),
      fields: fieldsOf(route, blocks.get('openapi-validate'), configDir),
    };
  });
}
