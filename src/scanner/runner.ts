// Runs a scan: logs the identities in, exercises every operation (create → read → update), runs the
// checks within their budgets, and deletes what the scan created.

import { learnSelf, userDeleteOperation } from './accounts.ts';
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
import { BudgetError, DESTRUCTIVE_METHODS, ScanClient } from './client.ts';
import {
  call,
  collectionOf,
  createdKey,
  identityValue,
  isAdminOperation,
  isDestructiveOperation,
  itemOperations,
  keyMember,
  objectsFor,
  ok,
  paramsFor,
  pathParams,
  type ScanContext,
  type Skip,
} from './context.ts';
import { fixBlocks, withFix } from './fix.ts';
import { createIdentities, type Identity, type IdentitySpec, login } from './identities.ts';
import { type Finding, type FixBlock, type ScanOperation, SEVERITIES } from './types.ts';
import { exampleOf, uniqueTag } from './values.ts';

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
    const findings = ctx.findings
      .map(withFix)
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
      leftovers,
      destructiveSkipped: destructive.map((op) => op.key),
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
    const mine =
      pathParams(op.path).length > 0 && op.method !== 'GET'
        ? objectsFor(ctx, op).find((o) => o.createdByScan)
        : undefined;
    if (op.method !== 'GET' && pathParams(op.path).length > 0 && mine === undefined) continue;
    const params = mine === undefined ? paramsFor(ctx, op, who) : { [pathParams(op.path)[0]!]: mine.id };
    if (params === undefined) continue;
    const json = op.body === undefined ? undefined : uniqueKey(ctx, op, exampleOf(op.body));
    const res = await call(ctx, op, who, { params, ...(json === undefined ? {} : { json }) });
    count++;
    if (order(op) === 0 && ok(res) && who !== undefined) {
      const id = createdKey(ctx, op.path, res, json);
      if (id !== undefined)
        ctx.objects.push({
          collection: op.path,
          id,
          owner: who,
          data: res.json,
          deleted: false,
          createdByScan: true,
          sent: (json ?? {}) as Record<string, unknown>,
        });
    }
    if (op.method === 'GET' && pathParams(op.path).length === 0 && ok(res)) learnFromList(ctx, op, res.json);
  }
  // Lists read as every identity show objects of the others (owned objects the scan did not create).
  for (const op of ctx.operations) {
    if (op.method !== 'GET' || pathParams(op.path).length > 0 || itemOperations(ctx, op.path).length === 0)
      continue;
    for (const who of [ctx.userB, ctx.admin]) {
      if (who === undefined) continue;
      const res = await call(ctx, op, who);
      count++;
      if (ok(res)) learnFromList(ctx, op, res.json);
    }
  }
  return count;
}

/** A create's body with the member that names the object made unique (titles, slugs, names). */
function uniqueKey(ctx: ScanContext, op: ScanOperation, body: unknown): unknown {
  const item = itemOperations(ctx, op.path)[0];
  if (op.method !== 'POST' || item === undefined || body === null || typeof body !== 'object') return body;
  const member = keyMember(body as Record<string, unknown>, pathParams(item.path)[0]!);
  const value = member === undefined ? undefined : (body as Record<string, unknown>)[member];
  return typeof value === 'string' && !/^(id|_id|uuid)$/i.test(member!)
    ? { ...body, [member!]: `rampart-${uniqueTag()}` }
    : body;
}

const OWNER_MEMBER = /^(owner|user|username|user_?name|user_?id|owner_?id|created_?by|author)$/i;
const MAX_LEARNED = 50;

/** Objects of a list answer whose owner member names an identity become known objects of it. */
function learnFromList(ctx: ScanContext, op: ScanOperation, json: unknown): void {
  const item = itemOperations(ctx, op.path)[0];
  if (item === undefined) return;
  const param = pathParams(item.path)[0]!;
  const arrays = Array.isArray(json)
    ? [json]
    : Object.values((json ?? {}) as object).filter((v): v is unknown[] => Array.isArray(v));
  for (const entry of arrays.flat().slice(0, 200)) {
    if (entry === null || typeof entry !== 'object' || ctx.objects.length >= MAX_LEARNED) continue;
    const record = entry as Record<string, unknown>;
    const ownerKey = Object.keys(record).find((k) => OWNER_MEMBER.test(k));
    if (ownerKey === undefined) continue;
    const owner = ctx.identities.find(
      (i) =>
        i.role !== 'anonymous' && [identityValue(i, 'username'), i.userId].includes(String(record[ownerKey])),
    );
    const key = keyMember(record, param);
    if (owner === undefined || key === undefined || key === ownerKey) continue;
    const id = String(record[key]);
    if (ctx.objects.some((o) => o.collection === op.path && o.id === id)) continue;
    ctx.objects.push({ collection: op.path, id, owner, data: record, deleted: false, createdByScan: false });
  }
}

/** Deletes what the scan created (owner first, then an admin) and its accounts; lists what remains. */
async function cleanUp(ctx: ScanContext): Promise<string[]> {
  const left: string[] = [];
  for (const object of ctx.objects) {
    if (object.deleted || !object.createdByScan) continue;
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
  const remove = userDeleteOperation(ctx);
  for (const account of ctx.throwaway) {
    if (await removeAccount(ctx, remove, account)) continue;
    left.push(`account ${account.userName ?? account.name}`);
  }
  return left;
}

async function removeAccount(
  ctx: ScanContext,
  op: ScanOperation | undefined,
  account: Identity,
): Promise<boolean> {
  if (op === undefined || ctx.safe) return false;
  // Never an account of the profile, whatever a probe's answer suggested.
  if (ctx.identities.some((i) => i.userName !== undefined && i.userName === account.userName)) return true;
  const param = pathParams(op.path)[0]!;
  const value = identityValue(account, param);
  if (value === undefined) return false;
  for (const who of [ctx.admin, account]) {
    if (who === undefined) continue;
    const res = await call(ctx, op, who, { params: { [param]: value } }).catch(() => undefined);
    if (res !== undefined && (ok(res) || res.status === 404)) return true;
  }
  return false;
}
