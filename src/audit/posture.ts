// The posture of a gateway config: per route, which protections are enforced, which are only
// monitored and which are missing — what a security reviewer wants on one screen (`rampart check`).
import type { RampartConfig } from '../config/schema.ts';
import type { PolicyDefinition, Stage } from '../policies/policy.ts';
import type { Severity } from './findings.ts';
import { type SettingFinding, settingFindings } from './posture-server.ts';

/** One route's protections. */
export interface RoutePosture {
  readonly route: string;
  readonly path: string;
  readonly methods: readonly string[] | undefined;
  /** Enforced policies by stage. */
  readonly enforced: Readonly<Partial<Record<Stage, readonly string[]>>>;
  /** Policies in monitor mode (they record, they do not stop anything). */
  readonly monitored: readonly string[];
  /** Why the route is intentionally public (`public: { reason }`), when it is. */
  readonly public?: string;
  /** Whether the route is a login or token route (a login-guard, or a token-shield issuing tokens). */
  readonly issuesTokens: boolean;
}

/** A gap in a route's protections. */
export interface PostureFinding {
  readonly route: string;
  readonly severity: Severity;
  readonly rule:
    | 'no-authentication'
    | 'no-authorization'
    | 'no-rate-limit'
    | 'no-schema'
    | 'monitor-only'
    | 'no-threat-detection'
    | 'rewrites-issued-token'
    | 'weak-jwt-secret'
    | SettingFinding['rule'];
  readonly message: string;
}

/** The whole report. */
export interface PostureReport {
  readonly routes: readonly RoutePosture[];
  readonly findings: readonly PostureFinding[];
}

type Block = { mode?: string } & Record<string, unknown>;
type Blocks = Record<string, Block | undefined>;

/** Authn-stage policies that guard a login rather than establish who calls. */
const GUARDS: ReadonlySet<string> = new Set(['brute-force', 'login-guard']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Whether the route answers logins or token requests: a login-guard on it, or a token-shield that
 * issues (swaps) tokens there.
 */
function issuesTokens(blocks: Blocks): boolean {
  const active = (name: string) => blocks[name] !== undefined && blocks[name]?.mode !== 'off';
  if (active('login-guard')) return true;
  const shield = blocks['token-shield'];
  return active('token-shield') && (shield?.role === 'issue' || isRecord(shield?.issue));
}

/**
 * Whether the route's enforced authorize refuses every request: its first rule denies, for every
 * method and path, unconditionally (`rampart init` writes such routes for operations nobody may call).
 */
function refusesEveryone(blocks: Blocks): boolean {
  const authorize = blocks.authorize;
  if (authorize === undefined || authorize.mode === 'off' || authorize.mode === 'monitor') return false;
  const first = Array.isArray(authorize.rules) ? authorize.rules[0] : undefined;
  if (!isRecord(first) || first.deny !== true || first.methods !== undefined || first.when !== undefined)
    return false;
  return first.paths === undefined || (Array.isArray(first.paths) && first.paths.includes('/**'));
}

/**
 * Settings that will break legitimate calls on a token-issuing route: sensitive-data masking or
 * blocking JWTs everywhere (`keepIssuedTokens: false`), or response-filter removing the token
 * members (`neverLeave` told to, with the route's operations not recognized as logins).
 */
function breaksIssuedTokens(blocks: Blocks): string | undefined {
  const sensitive = blocks['sensitive-data'];
  if (sensitive !== undefined && sensitive.mode !== 'off') {
    const types = isRecord(sensitive.types) ? sensitive.types : {};
    const jwt = types.jwt;
    if ((jwt === 'mask' || jwt === 'block') && sensitive.keepIssuedTokens === false)
      return `sensitive-data ${jwt}s JWTs with keepIssuedTokens: false: the token this route issues never reaches its caller, so every authenticated call after login fails`;
  }
  return undefined;
}

/** Reads the posture of a loaded config; `definitions` gives each policy's stage. */
export function postureOf(config: RampartConfig, definitions: readonly PolicyDefinition[]): PostureReport {
  const stageOf = new Map(definitions.map((definition) => [definition.name, definition.stage]));
  const defaults = (config.defaults?.policies ?? {}) as Blocks;
  const routes: RoutePosture[] = [];
  const findings: PostureFinding[] = [];
  for (const route of config.routes) {
    const blocks: Blocks = { ...defaults, ...((route.policies ?? {}) as Blocks) };
    const enforced: Partial<Record<Stage, string[]>> = {};
    const monitored: string[] = [];
    for (const [name, block] of Object.entries(blocks)) {
      if (block === undefined || block.mode === 'off') continue;
      if (block.mode === 'monitor') {
        monitored.push(name);
        continue;
      }
      const stage = stageOf.get(name);
      if (stage === undefined) continue;
      enforced[stage] ??= [];
      enforced[stage].push(name);
    }
    const login = issuesTokens(blocks);
    const reason = route.public?.reason;
    routes.push({
      route: route.name,
      path: route.match.path,
      methods: route.match.methods,
      enforced,
      monitored,
      ...(reason === undefined ? {} : { public: reason }),
      issuesTokens: login,
    });
    const add = (severity: Severity, rule: PostureFinding['rule'], message: string) =>
      findings.push({ route: route.name, severity, rule, message });
    // Nothing passes a route that refuses everyone: what it lacks cannot be used against it.
    if (refusesEveryone(blocks)) continue;
    const authenticates = (enforced.authn ?? []).some((name) => !GUARDS.has(name));
    // A login route is public by nature (its guard is the login-guard); a route marked public says why.
    if (!login && reason === undefined) {
      if (!authenticates) add('high', 'no-authentication', 'anyone can call it: no authentication policy');
      else if (enforced.authz === undefined)
        add('medium', 'no-authorization', 'any authenticated caller may use it: no authorize rule');
    }
    const breaks = login ? breaksIssuedTokens(blocks) : undefined;
    if (breaks !== undefined) add('high', 'rewrites-issued-token', breaks);
    if (enforced.traffic === undefined)
      add('medium', 'no-rate-limit', 'no rate limit, quota or concurrency cap');
    if (enforced.validation === undefined)
      add('low', 'no-schema', 'requests are not checked against a contract');
    if (enforced.threat === undefined) add('low', 'no-threat-detection', 'no threat detection');
    for (const name of monitored)
      add('medium', 'monitor-only', `${name} runs in monitor mode: it stops nothing`);
  }
  findings.push(...settingFindings(config));
  return { routes, findings };
}

const STAGE_COLUMNS: ReadonlyArray<[Stage, string]> = [
  ['authn', 'authn'],
  ['authz', 'authz'],
  ['traffic', 'limits'],
  ['validation', 'schema'],
  ['threat', 'threat'],
];

/** Formats the report as a terminal table plus the findings, most severe first. */
export function formatPosture(report: PostureReport): string {
  const header = ['route', 'path', ...STAGE_COLUMNS.map(([, label]) => label), 'monitor'];
  const rows = report.routes.map((route) => [
    route.route,
    route.path,
    ...STAGE_COLUMNS.map(([stage]) => route.enforced[stage]?.join(',') ?? '-'),
    route.monitored.join(',') || '-',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), ''];
  for (const route of report.routes) {
    if (route.public !== undefined) out.push(`public ${route.route}: ${route.public}`);
    else if (route.issuesTokens)
      out.push(`login  ${route.route}: public by nature, guarded by its login policy`);
  }
  const order: Record<Severity, number> = { high: 0, medium: 1, low: 2 };
  const sorted = [...report.findings].sort((a, b) => order[a.severity] - order[b.severity]);
  for (const finding of sorted)
    out.push(`${finding.severity.padEnd(6)} ${finding.route}: ${finding.message}`);
  const counts = (['high', 'medium', 'low'] as const).map(
    (severity) => `${report.findings.filter((finding) => finding.severity === severity).length} ${severity}`,
  );
  out.push('', `${report.routes.length} routes; findings: ${counts.join(', ')}`);
  return `${out.join('\n')}\n`;
}
