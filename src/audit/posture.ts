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
    | SettingFinding['rule'];
  readonly message: string;
}

/** The whole report. */
export interface PostureReport {
  readonly routes: readonly RoutePosture[];
  readonly findings: readonly PostureFinding[];
}

type Blocks = Record<string, { mode?: string } | undefined>;

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
    routes.push({
      route: route.name,
      path: route.match.path,
      methods: route.match.methods,
      enforced,
      monitored,
    });
    const add = (severity: Severity, rule: PostureFinding['rule'], message: string) =>
      findings.push({ route: route.name, severity, rule, message });
    if (enforced.authn === undefined)
      add('high', 'no-authentication', 'anyone can call it: no authentication policy');
    else if (enforced.authz === undefined)
      add('medium', 'no-authorization', 'any authenticated caller may use it: no authorize rule');
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
