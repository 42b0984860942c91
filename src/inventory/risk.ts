// The risk register: per API (a spec, or the traffic no spec documents), a risk score from 0 (none
// seen) to 100 out of four parts — the spec's `audit` findings, the gateway's `check` posture for
// the API's routes, its last `scan` report, and inventory facts (shadow and zombie endpoints,
// secured operations answered anonymously, sensitive data in answers) — with an owner and a review
// date from the config. `rampart risk` lists the APIs overdue for review or whose score rose.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { auditSpecFile } from '../audit/index.ts';
import { postureOf } from '../audit/posture.ts';
import type { RampartConfig } from '../config/schema.ts';
import { parseDuration } from '../lib/durations.ts';
import type { PolicyDefinition } from '../policies/policy.ts';
import { compareWithSpecs, isAnswered } from './compare.ts';
import { specSourcesOf } from './config.ts';
import type { EndpointFacts } from './facts.ts';
import { loadSpecSet, type SpecSet } from './spec-set.ts';
import type { InventoryStore } from './store.ts';

/** One part of a score: 0..100 and why. */
export interface RiskPart {
  readonly score: number;
  readonly reasons: readonly string[];
}

/** The weight of each part in the score. */
export const RISK_WEIGHTS = { audit: 0.25, posture: 0.2, scan: 0.3, inventory: 0.25 } as const;

/** One API of the register. */
export interface RiskEntry {
  readonly name: string;
  readonly owner: string | undefined;
  readonly spec: string | undefined;
  readonly score: number;
  readonly previous: number | undefined;
  readonly parts: Readonly<Record<keyof typeof RISK_WEIGHTS, RiskPart>>;
  readonly reviewedAt: string | undefined;
  /** ISO date the next review is due. */
  readonly reviewDue: string | undefined;
  readonly overdue: boolean;
  readonly risen: boolean;
}

/** An API as the register reads it. */
interface ApiDefinition {
  readonly name: string;
  readonly spec?: string | undefined;
  readonly routes?: readonly string[] | undefined;
  readonly owner?: string | undefined;
  readonly reviewedAt?: string | undefined;
  readonly reviewEvery?: string | number | undefined;
  readonly scan?: string | undefined;
}

const cap = (n: number) => Math.max(0, Math.min(100, Math.round(n)));

function auditPart(specPath: string | undefined): RiskPart {
  if (specPath === undefined) return { score: 100, reasons: ['no spec: nothing documents this traffic'] };
  try {
    const report = auditSpecFile(specPath);
    const high = report.findings.filter((f) => f.severity === 'high').length;
    return {
      score: 100 - report.score,
      reasons: [`audit score ${report.score}/100, ${report.findings.length} findings (${high} high)`],
    };
  } catch (error) {
    return { score: 100, reasons: [`spec unreadable: ${(error as Error).message.slice(0, 200)}`] };
  }
}

const POSTURE_WEIGHT = { high: 15, medium: 5, low: 1 } as const;

function posturePart(
  config: RampartConfig,
  definitions: readonly PolicyDefinition[],
  routes: readonly string[] | undefined,
): RiskPart {
  const posture = postureOf(config, definitions);
  const findings = posture.findings.filter((f) => routes === undefined || routes.includes(f.route));
  const score = findings.reduce((n, f) => n + POSTURE_WEIGHT[f.severity], 0);
  const rules = [...new Set(findings.map((f) => f.rule))];
  return {
    score: cap(score),
    reasons:
      findings.length === 0
        ? ['no posture finding']
        : [`${findings.length} posture findings: ${rules.join(', ')}`],
  };
}

const SCAN_WEIGHT: Record<string, number> = { critical: 30, high: 15, medium: 5, low: 1, info: 0 };

function scanPart(file: string | undefined): RiskPart {
  if (file === undefined || !existsSync(file))
    return { score: 50, reasons: ['no scan report: risk unknown'] };
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as {
      findings?: Array<{ severity?: string; check?: string }>;
      startedAt?: string;
    };
    const findings = Array.isArray(report.findings) ? report.findings : [];
    const score = findings.reduce((n, f) => n + (SCAN_WEIGHT[f.severity ?? ''] ?? 0), 0);
    const when = typeof report.startedAt === 'string' ? ` (${report.startedAt.slice(0, 10)})` : '';
    return { score: cap(score), reasons: [`last scan${when}: ${findings.length} findings`] };
  } catch {
    return { score: 50, reasons: ['scan report unreadable: risk unknown'] };
  }
}

function inventoryPart(endpoints: readonly EndpointFacts[], specs: SpecSet | undefined): RiskPart {
  if (endpoints.length === 0) return { score: 0, reasons: ['no traffic learned'] };
  if (specs === undefined) {
    const answered = endpoints.filter(isAnswered);
    return {
      score: cap(answered.length * 10),
      reasons: [`${answered.length} endpoints called that no spec documents`],
    };
  }
  const diff = compareWithSpecs(endpoints, specs);
  const exposed = diff.sensitive.filter((s) => s.anonymous).length;
  const score =
    diff.shadow.length * 10 + diff.zombie.length * 10 + diff.unauthenticated.length * 20 + exposed * 20;
  const reasons = [
    `${diff.shadow.length} shadow, ${diff.zombie.length} zombie, ${diff.unauthenticated.length} secured-but-anonymous, ` +
      `${diff.sensitive.length} with sensitive answers (${exposed} to anonymous callers)`,
  ];
  return { score: cap(score), reasons };
}

function reviewOf(api: ApiDefinition, now: number): { due: number | undefined; overdue: boolean } {
  if (api.reviewedAt === undefined) return { due: undefined, overdue: true };
  const last = Date.parse(`${api.reviewedAt}T00:00:00Z`);
  if (!Number.isFinite(last)) return { due: undefined, overdue: true };
  const due = last + parseDuration(api.reviewEvery ?? '90d');
  return { due, overdue: due <= now };
}

/** What building the register needs. */
export interface RegisterInput {
  readonly config: RampartConfig;
  readonly baseDir: string;
  readonly definitions: readonly PolicyDefinition[];
  readonly endpoints: readonly EndpointFacts[];
  readonly store: Pick<InventoryStore, 'riskHistory'>;
  readonly now: number;
  /** Scan reports given on the command line, by API name (or for every API when keyed `*`). */
  readonly scans?: Readonly<Record<string, string>>;
}

/** The APIs: configured ones, then every spec the config uses that none of them names. */
function apisOf(config: RampartConfig, baseDir: string): ApiDefinition[] {
  const configured: ApiDefinition[] = [...(config.inventory?.apis ?? [])];
  const named = new Set(configured.filter((a) => a.spec !== undefined).map((a) => resolve(baseDir, a.spec!)));
  for (const source of specSourcesOf(config, config.inventory)) {
    const path = resolve(baseDir, source.spec);
    if (named.has(path)) continue;
    named.add(path);
    let name = source.spec;
    try {
      name = loadSpecSet([source], baseDir).specs[0]?.title ?? name;
    } catch {}
    configured.push({ name, spec: source.spec });
  }
  return configured;
}

/** Builds the register (and reads each API's previous score). */
export async function buildRiskRegister(input: RegisterInput): Promise<RiskEntry[]> {
  const { config, baseDir, now } = input;
  const entries: RiskEntry[] = [];
  const claimed = new Set<EndpointFacts>();
  const apis = apisOf(config, baseDir);
  for (const api of apis) {
    const specPath = api.spec === undefined ? undefined : resolve(baseDir, api.spec);
    let specs: SpecSet | undefined;
    try {
      specs = specPath === undefined ? undefined : loadSpecSet([{ spec: specPath }], baseDir);
    } catch {
      specs = undefined;
    }
    // Its traffic: endpoints through its routes, else those its spec documents.
    const mine = input.endpoints.filter((e) =>
      api.routes !== undefined
        ? e.routes.some((r) => api.routes!.includes(r))
        : specs?.match(e.method, e.template)?.operation !== undefined,
    );
    for (const e of mine) claimed.add(e);
    const scan =
      input.scans?.[api.name] ??
      input.scans?.['*'] ??
      (api.scan === undefined ? undefined : resolve(baseDir, api.scan));
    const parts = {
      audit: auditPart(specPath),
      posture: posturePart(config, input.definitions, api.routes),
      scan: scanPart(scan),
      inventory: inventoryPart(mine, specs),
    };
    entries.push(await entryOf(api, parts, input, now));
  }
  const unclaimed = input.endpoints.filter((e) => !claimed.has(e) && isAnswered(e) && !e.documented);
  if (unclaimed.length > 0) {
    const api: ApiDefinition = { name: 'undocumented traffic' };
    const parts = {
      audit: auditPart(undefined),
      posture: posturePart(config, input.definitions, [...new Set(unclaimed.flatMap((e) => e.routes))]),
      scan: scanPart(undefined),
      inventory: inventoryPart(unclaimed, undefined),
    };
    entries.push(await entryOf(api, parts, input, now));
  }
  return entries;
}

async function entryOf(
  api: ApiDefinition,
  parts: RiskEntry['parts'],
  input: RegisterInput,
  now: number,
): Promise<RiskEntry> {
  const score = cap(
    parts.audit.score * RISK_WEIGHTS.audit +
      parts.posture.score * RISK_WEIGHTS.posture +
      parts.scan.score * RISK_WEIGHTS.scan +
      parts.inventory.score * RISK_WEIGHTS.inventory,
  );
  const [previous] = await input.store.riskHistory(api.name, 1);
  const review = reviewOf(api, now);
  return {
    name: api.name,
    owner: api.owner,
    spec: api.spec,
    score,
    previous: previous?.score,
    parts,
    reviewedAt: api.reviewedAt,
    reviewDue: review.due === undefined ? undefined : new Date(review.due).toISOString().slice(0, 10),
    overdue: review.overdue,
    risen: previous !== undefined && score > previous.score,
  };
}

/** The register as text: every API, then those needing attention. */
export function formatRiskRegister(entries: readonly RiskEntry[], all: boolean): string {
  const shown = all ? entries : entries.filter((e) => e.overdue || e.risen);
  if (shown.length === 0) return `${entries.length} APIs, none overdue for review, no risk risen\n`;
  const lines: string[] = [];
  for (const e of shown) {
    const flags = [e.overdue ? 'OVERDUE' : '', e.risen ? `RISEN from ${e.previous}` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`${e.name}  risk ${e.score}/100${flags === '' ? '' : `  [${flags}]`}`);
    lines.push(
      `  owner: ${e.owner ?? '(none)'}; reviewed ${e.reviewedAt ?? 'never'}; due ${e.reviewDue ?? 'now'}`,
    );
    for (const [part, value] of Object.entries(e.parts))
      lines.push(`  ${part.padEnd(9)} ${String(value.score).padStart(3)}  ${value.reasons.join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}
