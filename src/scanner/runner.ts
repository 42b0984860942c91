// Runs a scan: logs the identities in, exercises every operation (create → read → update), runs the
// checks within their budgets, and deletes what the scan created.
import { authenticationCheck } from './checks/authentication.ts';
import { bflaCheck } from './checks/bfla.ts';
import { bolaCheck } from './checks/bola.ts';
import type { Check } from './checks/check.ts';
import { dataExposureCheck } from './checks/data-exposure.ts';
import { injectionCheck } from './checks/injection.ts';
import { massAssignmentCheck } from './checks/mass-assignment.ts';
import { rateLimitCheck } from './checks/rate-limit.ts';
import { resourceConsumptionCheck } from './checks/resource-consumption.ts';
import { transportCheck } from './checks/transport.ts';
import { userEnumerationCheck } from './checks/user-enumeration.ts';
import { BudgetError, DESTRUCTIVE_METHODS, ScanClient } from './client.ts';
import {
  call,
  collectionOf,
  idOf,
  isAdminOperation,
  objectsFor,
  ok,
  paramsFor,
  pathParams,
  type ScanContext,
} from './context.ts';
import { createIdentities, type IdentitySpec, login } from './identities.ts';
import { type Finding, type ScanOperation, SEVERITIES } from './types.ts';

/** Every check, in the order they run (the login burst last: it may lock the client out). */
export const CHECKS: readonly Check[] = [
  authenticationCheck,
  bolaCheck,
  bflaCheck,
  massAssignmentCheck,
  userEnumerationCheck,
  injectionCheck,
  resourceConsumptionCheck,
  dataExposureCheck,
  transportCheck,
  rateLimitCheck,
];

/** What a scan is asked to do. */
export interface ScanOptions {
  readonly target: URL;
  readonly operations: readonly ScanOperation[];
  readonly identities: readonly IdentitySpec[];
  readonly safe?: boolean;
  readonly only?: readonly string[];
  readonly maxRequests?: number;
  readonly timeoutMs?: number;
  /** Called before each phase and check (for a progress bar). */
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

/** What a scan found and what it cost. */
export interface ScanResult {
  readonly target: string;
  readonly findings: Finding[];
  readonly checks: readonly { id: string; findings: number; requests: number; stoppedByBudget: boolean }[];
  readonly requests: number;
  readonly requestsByMethod: Readonly<Record<string, number>>;
  readonly operations: number;
  readonly exercised: number;
  readonly leftovers: readonly string[];
  readonly durationMs: number;
  readonly safe: boolean;
}

/** Runs a scan against one target. */
export async function runScan(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
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
  const operations = options.operations.filter((op) => !(safe && DESTRUCTIVE_METHODS.has(op.method)));
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
  };
  const checks = CHECKS.filter((c) => options.only === undefined || options.only.includes(c.id));
  const total = checks.length + 2;
  const summary: Array<{ id: string; findings: number; requests: number; stoppedByBudget: boolean }> = [];
  try {
    options.onProgress?.(0, total, 'login');
    for (const identity of identities) await login(client, identity);
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
      summary.push({
        id: check.id,
        findings: ctx.findings.length - findings,
        requests: client.sent - before,
        stoppedByBudget,
      });
    }
    options.onProgress?.(total, total, 'clean-up');
    client.beginCheck(Math.max(20, ctx.objects.length * 2));
    const leftovers = await cleanUp(ctx).catch(() =>
      ctx.objects.filter((o) => !o.deleted).map((o) => `${o.collection}/${o.id}`),
    );
    return {
      target: options.target.href,
      findings: ctx.findings.sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity)),
      checks: summary,
      requests: client.sent,
      requestsByMethod: Object.fromEntries(client.byMethod),
      operations: operations.length,
      exercised,
      leftovers,
      durationMs: Math.round(performance.now() - started),
      safe,
    };
  } finally {
    await client.close();
  }
}

/** Exercises every operation once: creates first (to learn ids), then reads, then updates. */
async function exercise(ctx: ScanContext): Promise<number> {
  let count = 0;
  const order = (op: ScanOperation): number =>
    op.method === 'POST' && pathParams(op.path).length === 0 ? 0 : op.method === 'GET' ? 1 : 2;
  for (const op of [...ctx.operations].sort((a, b) => order(a) - order(b))) {
    if (op.method === 'DELETE' || op.path === ctx.loginPath) continue;
    const who = isAdminOperation(op) ? (ctx.admin ?? ctx.userA) : (ctx.userA ?? ctx.admin);
    // Actions and updates only ever touch objects the scan created, never the identities' own.
    const mine = pathParams(op.path).length > 0 && op.method !== 'GET' ? objectsFor(ctx, op)[0] : undefined;
    if (op.method !== 'GET' && pathParams(op.path).length > 0 && mine === undefined) continue;
    const params = mine === undefined ? paramsFor(ctx, op, who) : { [pathParams(op.path)[0]!]: mine.id };
    if (params === undefined) continue;
    const res = await call(ctx, op, who, { params });
    count++;
    if (order(op) === 0 && ok(res) && who !== undefined) {
      const id = idOf(res);
      if (id !== undefined)
        ctx.objects.push({ collection: op.path, id, owner: who, data: res.json, deleted: false });
    }
  }
  return count;
}

/** Deletes what the scan created (owner first, then an admin); lists what remains. */
async function cleanUp(ctx: ScanContext): Promise<string[]> {
  const left: string[] = [];
  for (const object of ctx.objects) {
    if (object.deleted) continue;
    const op = ctx.operations.find(
      (o) =>
        o.method === 'DELETE' &&
        collectionOf(o.path) === object.collection &&
        pathParams(o.path).length === 1,
    );
    if (op === undefined || ctx.safe) {
      left.push(`${object.collection}/${object.id}`);
      continue;
    }
    const param = pathParams(op.path)[0]!;
    for (const who of [ctx.admin, object.owner]) {
      if (who === undefined) continue;
      const res = await call(ctx, op, who, { params: { [param]: object.id } });
      if (ok(res) || res.status === 404) {
        object.deleted = true;
        break;
      }
    }
    if (!object.deleted) left.push(`${object.collection}/${object.id}`);
  }
  return left;
}
