// Where the injection check puts its payloads: string path segments, query and header parameters,
// and the JSON body members of operations that create nothing (login, previews, searches).
import {
  type CallOptions,
  call,
  createsSomething,
  isAdminOperation,
  paramsFor,
  type ScanContext,
} from '../context.ts';
import type { Identity } from '../identities.ts';
import { propertiesOf } from '../spec.ts';
import type { Exchange, ScanOperation, Schema } from '../types.ts';
import { exampleOf } from '../values.ts';

/** Injection points probed per scan (each costs a dozen requests or so). */
const MAX_TARGETS = 16;

/** One injection point: an operation and the member or parameter that carries the payload. */
export interface Target {
  readonly op: ScanOperation;
  readonly where: 'path' | 'query' | 'header' | 'body';
  readonly name: string;
}

function isText(schema: Schema): boolean {
  return (schema.type === 'string' || schema.type === undefined) && schema.enum === undefined;
}

/** The injection points of a scan's operations, bounded. */
export function targetsOf(ctx: ScanContext): Target[] {
  const out: Target[] = [];
  for (const op of ctx.operations) {
    if ((isAdminOperation(op) && ctx.admin === undefined) || (op.method !== 'GET' && op.method !== 'POST'))
      continue;
    for (const p of op.parameters) {
      if (p.in !== 'cookie' && isText(p.schema)) out.push({ op, where: p.in, name: p.name });
    }
    if (op.path === ctx.loginPath || (op.method === 'POST' && !createsSomething(ctx, op))) {
      for (const [name, s] of Object.entries(propertiesOf(op.body)))
        if (s.type === 'string') out.push({ op, where: 'body', name });
    }
  }
  return out.slice(0, MAX_TARGETS);
}

/** How a target is named in findings (`query parameter "q"`). */
export function describeTarget(t: Target): string {
  return t.where === 'body' ? `body member "${t.name}"` : `${t.where} parameter "${t.name}"`;
}

function loginBody(ctx: ScanContext): Record<string, unknown> {
  return { ...(ctx.userA?.spec.login?.body ?? {}) };
}

/** Sends the target's operation with `value` at the injection point (valid values elsewhere). */
export function send(
  ctx: ScanContext,
  t: Target,
  who: Identity | undefined,
  value: unknown,
): Promise<Exchange> {
  const params = paramsFor(ctx, t.op, who) ?? {};
  const login = t.op.path === ctx.loginPath;
  let options: CallOptions;
  switch (t.where) {
    case 'path':
      options = { params: { ...params, [t.name]: String(value) } };
      break;
    case 'query':
      options = { params, query: { [t.name]: String(value) } };
      break;
    case 'header':
      options = { params, headers: { [t.name.toLowerCase()]: String(value) } };
      break;
    default:
      options = {
        params,
        json: { ...(exampleOf(t.op.body) as object), ...(login ? loginBody(ctx) : {}), [t.name]: value },
      };
  }
  return call(ctx, t.op, login ? undefined : who, options);
}
