// Resource consumption: string members filled with input shapes that make careless parsing or
// backtracking patterns super-linear (blank runs, word runs ending in a mismatch, deep nesting,
// well-formed e-mail addresses a hand-written pattern rejects late),
// on POST/PUT/PATCH, path-parameter operations included. A finding is judged on repeated,
// interleaved measurements: the slowest shape's *fastest* answer must still be slow, and must
// exceed the fastest answer of a smaller input of the same shape by far more than the length
// ratio (linear work cannot do that; a pause on a busy machine would have to hit every one of the
// large requests and none of the small ones).
import { freshAccount, keepCreated, signupOperation, userDeleteOperation } from '../accounts.ts';
import {
  call,
  createsSomething,
  isAdminOperation,
  itemOperations,
  ok,
  paramsFor,
  type ScanContext,
  skip,
  tested,
} from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Identity } from '../identities.ts';
import { propertiesOf } from '../spec.ts';
import type { Exchange, ScanOperation, Schema } from '../types.ts';
import { exampleOf } from '../values.ts';
import type { Check } from './check.ts';

const meta = {
  id: 'resource-consumption',
  title: 'Unbounded processing of input',
  owasp: 'API4:2023',
  cwe: 1333,
} as const;

/** An input shape: a value of a given size, and the sizes to climb (stopping at the first slow one). */
interface Family {
  readonly name: string;
  readonly value: (size: number) => string;
  readonly sizes: readonly number[];
  /** The smaller size the slow one is compared with. */
  readonly smaller: (size: number) => number;
  /**
   * A slow answer that does not confirm stops the ladder when the slowest large answer took this long:
   * exponential shapes never climb far past a slow answer (the next size could hold the target for
   * minutes); linear ones climb on (Infinity).
   */
  readonly stopAtMs: number;
  /** Only for members like these (absent: every free-text member). */
  readonly only?: (name: string, schema: Schema) => boolean;
  /**
   * Values a correct API accepts (and stores): never sent to creates; to an update only where the
   * body is that one member and its value can be read first, and it is put back afterwards.
   */
  readonly wellFormed?: boolean;
}

/** Shapes: quadratic trims/splits on blanks, nested quantifiers on words (exponential), nesting. */
export const FAMILIES: readonly Family[] = [
  {
    name: 'a run of blanks',
    value: (n) => `${' '.repeat(n - 1)}x`,
    sizes: [2000, 8000, 32_000],
    smaller: (n) => n / 4,
    stopAtMs: Number.POSITIVE_INFINITY,
  },
  {
    name: 'a run of word characters ending in a mismatch',
    value: (n) => `${'a'.repeat(n)}!`,
    sizes: [12, 16, 20, 24, 28],
    smaller: (n) => n - 4,
    // 4 more characters can mean 16 times longer: any slow answer ends the climb.
    stopAtMs: 0,
  },
  {
    name: 'deeply nested brackets',
    value: (n) => `${'['.repeat(n)}${']'.repeat(n)}`,
    sizes: [1000, 4000, 16_000],
    smaller: (n) => n / 4,
    stopAtMs: Number.POSITIVE_INFINITY,
  },
  {
    // A well-formed address (it passes an e-mail format check, a gateway's included) whose local
    // part ends in `-`, which hand-written patterns with nested quantifiers on the local part
    // (`([-.\w]*[0-9a-z])*@`) reject only after trying every split of the run.
    name: 'an e-mail address whose local part is a long word run ending in "-"',
    value: (n) => `${'a'.repeat(n)}-@example.com`,
    sizes: [12, 16, 18, 20, 22, 24],
    smaller: (n) => n - 2,
    // Steps of 2 characters (about 4 times longer): climbs on from an answer still far from slow.
    stopAtMs: 400,
    only: (name, schema) => schema.format === 'email' || /mail/i.test(name),
    wellFormed: true,
  },
];
/** The large input's fastest answer must take at least this long. */
export const MIN_SLOW_MS = 150;
/**
 * …and exceed the smaller input's fastest answer by this many times the length ratio. Linear work
 * (t = c + k·n, c ≥ 0) can never exceed the ratio itself; delays on a busy machine only make the
 * small inputs slower (a missed finding, never a false one) unless they hit every large request.
 */
export const GROWTH_MARGIN = 1.5;
/** Interleaved confirmation rounds after a slow answer: small, large, …, small (one more small). */
export const ROUNDS = 3;
const MAX_TARGETS = 8;

interface Target {
  readonly op: ScanOperation;
  readonly name: string;
  readonly schema: Schema;
}

function isFreeText(s: Schema): boolean {
  return (
    s.type === 'string' &&
    s.enum === undefined &&
    !['uuid', 'date', 'date-time', 'binary'].includes(String(s.format))
  );
}

/** Whether what a create makes can be deleted: a DELETE on its items, or on user records for a signup. */
function undoable(ctx: ScanContext, op: ScanOperation): boolean {
  if (op === signupOperation(ctx)) return userDeleteOperation(ctx) !== undefined;
  return itemOperations(ctx, op.path).some((o) => o.method === 'DELETE');
}

function targets(ctx: ScanContext): Target[] {
  const out: Target[] = [];
  for (const op of ctx.operations) {
    if (!['POST', 'PUT', 'PATCH'].includes(op.method) || op.body === undefined || isAdminOperation(op))
      continue;
    if (ctx.safe && op.method !== 'POST') continue;
    // A probe a create accepts makes an object: only where the scan can delete it again.
    if (createsSomething(ctx, op) && !undoable(ctx, op)) {
      skip(ctx, meta.id, op, 'creates objects the spec offers no way to delete');
      continue;
    }
    for (const [name, s] of Object.entries(propertiesOf(op.body))) {
      if (isFreeText(s) && !/pass/i.test(name)) out.push({ op, name, schema: s });
    }
  }
  return out.slice(0, MAX_TARGETS);
}

/** The verdict on measurements: the large input's fastest time against the small one's. */
export function superLinear(
  small: readonly number[],
  large: readonly number[],
  lengthRatio: number,
): boolean {
  const fastLarge = Math.min(...large);
  const fastSmall = Math.max(Math.min(...small), 1);
  return fastLarge >= MIN_SLOW_MS && fastLarge >= fastSmall * lengthRatio * GROWTH_MARGIN;
}

export const resourceConsumptionCheck: Check = {
  ...meta,
  budget: 150,
  async run(ctx) {
    const who = ctx.userA ?? ctx.admin;
    for (const { op, name, schema } of targets(ctx)) {
      const login = op.path === ctx.loginPath;
      const params = paramsFor(ctx, op, who);
      if (params === undefined) continue;
      tested(ctx, meta.id, op);
      const creates = createsSomething(ctx, op);
      const signup = signupOperation(ctx);
      let accepted = false;
      const send = async (value: string): Promise<Exchange> => {
        const json = {
          ...(op === signup ? freshAccount(op).body : (exampleOf(op.body) as object)),
          ...(login ? ctx.userA?.spec.login?.body : {}),
          [name]: value,
        };
        const res = await call(ctx, op, login ? undefined : who, { params, json });
        // A create that accepts the value made an object: keep it for the clean-up, probe no further.
        if (creates && ok(res)) {
          accepted = true;
          keepCreated(ctx, op, res, json, who);
        } else if (ok(res)) changed = true;
        return res;
      };
      let changed = false;
      let done = false;
      for (const family of FAMILIES) {
        if (accepted || done) break;
        if (family.only !== undefined && !family.only(name, schema)) continue;
        // A well-formed value makes a create succeed: never on creates (nothing the scan could
        // always remove), on updates only where it can be put back.
        if (family.wellFormed === true && creates) continue;
        const original = family.wellFormed === true ? await currentValue(ctx, op, who, params, name) : null;
        if (original === undefined) continue;
        changed = false;
        const ladder: string[] = [];
        for (const size of family.sizes) {
          const res = await send(family.value(size));
          if (accepted) break;
          ladder.push(`${size}: ${Math.round(res.ms)} ms`);
          // A server that refuses early (413, 400 before parsing) answers fast; only slow answers
          // are confirmed, and a slow answer that does not confirm (a pause) lets the ladder climb on.
          if (res.ms < MIN_SLOW_MS) continue;
          const smallSize = family.smaller(size);
          const small: number[] = [];
          const large: number[] = [res.ms];
          for (let round = 0; round <= ROUNDS; round++) {
            small.push((await send(family.value(smallSize))).ms);
            if (round < ROUNDS - 1) large.push((await send(family.value(size))).ms);
          }
          const ratio = family.value(size).length / family.value(smallSize).length;
          if (!superLinear(small, large, ratio)) {
            if (Math.max(...large) >= family.stopAtMs) break;
            continue;
          }
          const fmt = (list: number[]): string => list.map((ms) => Math.round(ms)).join('/');
          ctx.findings.push(
            makeFinding(meta, {
              title:
                family.wellFormed !== true
                  ? `Processing time grows super-linearly with "${name}"`
                  : `Processing time grows super-linearly with a well-formed value of "${name}"`,
              severity: 'medium',
              operation: op.key,
              description: `${op.key}: "${name}" filled with ${family.name} (${ladder.join(', ')}). Interleaved, ${smallSize} vs ${size} characters took ${fmt(small)} ms vs ${fmt(large)} ms: the input grew ${ratio.toFixed(1)}×, the fastest time ${Math.round(Math.min(...large) / Math.max(Math.min(...small), 1))}× (a backtracking pattern or slow parser runs before the length is checked).${ok(res) ? '' : ` The answer was ${res.status}: the work happens before the refusal.`}`,
              proof: res,
              evidence: [[`${size} characters`, res]],
            }),
          );
          done = true;
          break;
        }
        // A well-formed value the API stored: the member gets its value back.
        if (typeof original === 'string' && changed)
          await call(ctx, op, who, { params, json: { [name]: original } });
      }
    }
  },
};

/**
 * An update's member value before a well-formed probe: read with a GET of the same path or its
 * parent (`PUT /users/{name}/email` → `GET /users/{name}`), only when the body is that one member
 * (other members would be overwritten with example values). `undefined`: do not send one.
 */
async function currentValue(
  ctx: ScanContext,
  op: ScanOperation,
  who: Identity | undefined,
  params: Readonly<Record<string, string>>,
  name: string,
): Promise<string | null | undefined> {
  if (op.method !== 'PUT' && op.method !== 'PATCH') return null;
  if (Object.keys(propertiesOf(op.body)).length !== 1) return undefined;
  const parent = op.path.slice(0, op.path.lastIndexOf('/'));
  const reader = ctx.operations.find((o) => o.method === 'GET' && (o.path === op.path || o.path === parent));
  if (reader === undefined) return undefined;
  const res = await call(ctx, reader, who, { params });
  const json = res.json as Record<string, unknown> | undefined;
  const value = json?.[name] ?? (json?.data as Record<string, unknown> | undefined)?.[name];
  return ok(res) && typeof value === 'string' ? value : undefined;
}
