// Runs a scan: logs the identities in, exercises every operation (create → read → update), runs the
// checks within their budgets, and deletes what the scan created.

import { learnSelf } from './accounts.ts';
import { authenticationCheck } from './checks/authentication.ts';
import { bflaCheck } from './checks/bfla.ts';
import { bolaCheck } from './checks/bola.ts';
import type { Check } from './checks/check.ts';
import { dataExposureCheck } from './checks/data-exposure.ts';
import { injectionCheck } from './checks/injection.ts';
import { massAssignmentCheck } from './checks/mass-assignment.ts';
import { rateLimitCheck } from './checks/rate-limit.ts';
import { resourceConsumptionCheck } from './checks/resource-consumption.ts';
import { ssrfCheck } from './checks/ssrf.ts';
import { transportCheck } from './checks/transport.ts';
import { undocumentedCheck } from './checks/undocumented.ts';
import { userEnumerationCheck } from './checks/user-enumeration.ts';
import { cleanUp } from './clean-up.ts';
import { BudgetError, DESTRUCTIVE_METHODS, ScanClient } from './client.ts';
import { isDestructiveOperation, type ScanContext, type Skip } from './context.ts';
import { exercise } from './exercise.ts';
import { fixBlocks, withFix } from './fix.ts';
import { fixFactsOf } from './fix-facts.ts';
import { createIdentities, type IdentitySpec, login } from './identities.ts';
import { type Finding, type FixBlock, type ScanOperation, SEVERITIES } from './types.ts';

/** Every check, in the order they run (the login burst last: it may lock the client out). */
export const CHECKS: readonly Check[] = [
  authenticationCheck,
  bolaCheck,
  bflaCheck,
  massAssignmentCheck,
  userEnumerationCheck,
  injectionCheck,
  resourceConsumptionCheck,
  ssrfCheck,
  dataExposureCheck,
  undocumentedCheck,
  transportCheck,
  rateLimitCheck,
];

/** What a scan is asked to do. */
export interface ScanOptions {
  readonly target: URL;
  readonly operations: readonly ScanOperation[];
  readonly identities: readonly IdentitySpec[];
  readonly safe?: boolean;
  /** Call operations that reset, seed, drop, purge or initialise data (never by default). */
  readonly allowDestructive?: boolean;
  /** Extra candidate secrets for offline JWT key recovery. */
  readonly jwtWordlist?: readonly string[];
  /** Deadline of offline JWT key recovery (default 30 s). */
  readonly jwtCrackMs?: number;
  readonly only?: readonly string[];
  readonly maxRequests?: number;
  readonly timeoutMs?: number;
  /** Called before each phase and check (for a progress bar). */
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

/** One row of the coverage table: what a check tested and what it left out. */
export interface CheckSummary {
  readonly id: string;
  readonly findings: number;
  readonly requests: number;
  readonly stoppedByBudget: boolean;
  /** Operations the check exercised (empty for checks that judge the whole API). */
  readonly tested: number;
  readonly skipped: readonly { operation: string; reason: string }[];
}

/** What a scan found and what it cost. */
export interface ScanResult {
  readonly target: string;
  readonly version: string;
  readonly startedAt: string;
  readonly findings: Finding[];
  readonly checks: readonly CheckSummary[];
  readonly requests: number;
  readonly requestsByMethod: Readonly<Record<string, number>>;
  readonly operations: number;
  readonly exercised: number;
  readonly leftovers: readonly string[];
  /** The Rampart policy blocks that would refuse the findings, one per route (for `init --from-scan`). */
  readonly fixes: readonly FixBlock[];
  /** Requests that got no answer at all (reset, refused, timed out). */
  readonly unanswered: number;
  /** Operations never called because they reset, seed, drop, purge or initialise data. */
  readonly destructiveSkipped: readonly string[];
  readonly durationMs: number;
  readonly safe: boolean;
}

/** The scanner's version in reports. */
export const SCANNER_VERSION = '0.2.0';

/** Runs a scan against one target. */
export async function runScan(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const safe = options.safe === true;
  const client = new ScanClient({
    target: options.target,
    safe,
    maxRequests: options.maxRequests ?? 1500,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  const identities = createIdentities(options.identities);
  const users = identities.filter((i) => i.role === 'user');
  const loginPath = identities.find((i) => i.spec.login !== undefined)?.spec.login?.path;
  const destructive =
    options.allowDestructive === true ? [] : options.operations.filter(isDestructiveOperation);
  const operations = options.operations.filter(
    (op) => !(safe && DESTRUCTIVE_METHODS.has(op.method)) && !destructive.includes(op),
  );
  const ctx: ScanContext = {
    client,
    operations,
    identities,
    anonymous: identities.find((i) => i.role === 'anonymous')!,
    userA: users[0],
    userB: users[1],
    admin: identities.find((i) => i.role === 'admin'),
    objects: [],
    safe,
    loginPath,
    findings: [],
    jwtWordlist: options.jwtWordlist ?? [],
    jwtCrackMs: options.jwtCrackMs,
    throwaway: [],
    tested: new Map(),
    skipped: [],
  };
  const checks = CHECKS.filter((c) => options.only === undefined || options.only.includes(c.id));
  const total = checks.length + 2;
  const summary: CheckSummary[] = [];
  try {
    options.onProgress?.(0, total, 'login');
    for (const identity of identities) await login(client, identity);
    client.beginCheck(20 + identities.length * 2);
    for (const identity of identities) await learnSelf(ctx, identity);
    options.onProgress?.(1, total, 'exercise');
    client.beginCheck(Math.max(50, operations.length * 4));
    const exercised = await exercise(ctx).catch((error: unknown) => {
      if (error instanceof BudgetError) return 0;
      throw error;
    });
    for (const [index, check] of checks.entries()) {
      options.onProgress?.(index + 2, total, check.id);
      const before = client.sent;
      const findings = ctx.findings.length;
      client.beginCheck(check.budget);
      let stoppedByBudget = false;
      try {
        await check.run(ctx);
      } catch (error) {
        if (!(error instanceof BudgetError)) throw error;
        stoppedByBudget = true;
      }
      const own: Skip[] = ctx.skipped.filter((s) => s.check === check.id);
      summary.push({
        id: check.id,
        findings: ctx.findings.length - findings,
        requests: client.sent - before,
        stoppedByBudget,
        tested: ctx.tested.get(check.id)?.size ?? 0,
        skipped: own.map(({ operation, reason }) => ({ operation, reason })),
      });
    }
    options.onProgress?.(total, total, 'clean-up');
    client.beginCheck(Math.max(20, (ctx.objects.length + ctx.throwaway.length) * 3));
    const leftovers = await cleanUp(ctx).catch(() => [
      ...ctx.objects.filter((o) => o.createdByScan && !o.deleted).map((o) => `${o.collection}/${o.id}`),
      ...ctx.throwaway.map((i) => `account ${i.userName}`),
    ]);
    const facts = fixFactsOf(ctx);
    const findings = ctx.findings
      .map((finding) => withFix(finding, facts))
      .sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
    return {
      target: options.target.href,
      version: SCANNER_VERSION,
      startedAt,
      findings,
      fixes: fixBlocks(findings),
      unanswered: client.failures,
      checks: summary,
      requests: client.sent,
      requestsByMethod: Object.fromEntries(client.byMethod),
      operations: operations.length,
      exercised,
      leftovers: leftovers.map(shorten),
      destructiveSkipped: destructive.map((op) => op.key),
      durationMs: Math.round(performance.now() - started),
      safe,
    };
  } finally {
    await client.close();
  }
}

/** A leftover as people read it: long probe values cut, their length kept. */
function shorten(text: string): string {
  const trimmed = text.replace(/\s{4,}/g, (run) => `␣×${run.length}`);
  return trimmed.length > 80 ? `${trimmed.slice(0, 60)}… (${trimmed.length} characters)` : trimmed;
}
