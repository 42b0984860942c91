import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFor, contextFor, depsFor, type FakeClock, fakeClock } from '../../../test/helpers/context.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { StateStore } from '../../state/state.ts';
import { StateUnavailableError } from '../../state/state.ts';
import type { Identity, PolicyContext, PolicyHandlers, Verdict } from '../policy.ts';
import { rateLimit } from './index.ts';

function setup(raw: unknown, clock: FakeClock = fakeClock(), state?: StateStore): PolicyHandlers {
  return rateLimit.create(
    configFor(rateLimit, raw),
    depsFor({ clock, state: state ?? createMemoryState({ clock, sweepMs: 0 }) }),
  );
}

async function run(
  handlers: PolicyHandlers,
  ctx: PolicyContext = contextFor(),
  state: unknown = handlers.requestState?.(),
): Promise<Verdict> {
  const verdict = handlers.onRequest?.(ctx, state);
  assert.ok(verdict !== undefined);
  return verdict;
}

const kinds = async (handlers: PolicyHandlers, n: number, ctx?: () => PolicyContext) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await run(handlers, ctx?.())).kind);
  return out;
};

const alice: Identity = { consumerId: 'alice', scopes: [], method: 'api-key' };

describe('rate-limit', () => {
  test('admits the limit, then answers 429 with Retry-After and RateLimit headers', async () => {
    const handlers = setup({ rules: [{ name: 'per-sec', limit: '2/s' }] });
    assert.deepEqual(await kinds(handlers, 2), ['continue', 'continue']);
    const refused = await run(handlers);
    assert.equal(refused.kind, 'deny');
    if (refused.kind !== 'deny') return;
    assert.equal(refused.code, 'RAMPART_TRAFFIC_RATE_LIMITED');
    assert.equal(refused.rule, 'per-sec');
    // At the next window's start the full previous window still weighs: room comes back mid-window.
    assert.equal(refused.headers?.['retry-after'], '2');
    assert.equal(refused.headers?.['ratelimit-policy'], '"per-sec";q=2;w=1');
    assert.match(refused.headers?.ratelimit ?? '', /^"per-sec";r=0;t=\d+$/);
  });

  test('lets requests through again once the window has passed (fake clock)', async () => {
    const clock = fakeClock();
    const handlers = setup({ rules: [{ name: 'r', limit: '1/m' }] }, clock);
    assert.deepEqual(await kinds(handlers, 2), ['continue', 'deny']);
    clock.advance(60_000);
    assert.equal((await run(handlers)).kind, 'deny');
    clock.advance(60_000);
    assert.equal((await run(handlers)).kind, 'continue');
  });

  test('enforces several windows at once, a refused request taking from none of them', async () => {
    const clock = fakeClock();
    const handlers = setup(
      {
        rules: [
          { name: 'second', limit: '2/s' },
          { name: 'minute', limit: '3/m' },
        ],
      },
      clock,
    );
    const verdicts = [await run(handlers), await run(handlers), await run(handlers)];
    assert.equal(verdicts[2]?.kind === 'deny' && verdicts[2].rule, 'second');
    clock.advance(2000);
    // The refused third request did not count in the minute window: one more fits, then it is full.
    assert.equal((await run(handlers)).kind, 'continue');
    const later = await run(handlers);
    assert.equal(later.kind === 'deny' && later.rule, 'minute');
  });

  test('refused requests never eat into the other rules (3/s and 5/min)', async () => {
    const clock = fakeClock();
    const handlers = setup(
      {
        rules: [
          { name: 'second', limit: '3/s' },
          { name: 'minute', limit: '5/m' },
        ],
      },
      clock,
    );
    // A flood of 20 in one second: 3 admitted, 17 refused by `second` alone.
    const flood = await kinds(handlers, 20);
    assert.equal(flood.filter((k) => k === 'continue').length, 3);
    clock.advance(2000);
    // The minute window still has exactly 2 units left.
    assert.deepEqual(await kinds(handlers, 3), ['continue', 'continue', 'deny']);
  });

  test('throttle mode waits for every rule and then takes from all of them once', async () => {
    const clock = fakeClock();
    const state = createMemoryState({ clock, sweepMs: 0 });
    const handlers = rateLimit.create(
      configFor(rateLimit, {
        rules: [
          { name: 'fast', limit: '1/50ms', algorithm: 'token-bucket' },
          { name: 'slow', limit: '3/m' },
        ],
        action: 'throttle',
        throttle: { maxWait: '1s' },
      }),
      depsFor({ clock, state }),
    );
    const pending = [1, 2, 3].map(() => run(handlers));
    // The second and third wait for `fast` to refill; each 50 ms of clock time admits one more.
    await clock.whenSleeping(2);
    clock.advance(50);
    await clock.whenSleeping(1);
    clock.advance(50);
    const verdicts = await Promise.all(pending);
    assert.deepEqual(
      verdicts.map((v) => v.kind),
      ['continue', 'continue', 'continue'],
    );
    // Each admitted request counted once by the minute rule: it is now full, so a fourth would wait
    // far past maxWait and is refused (were it not full, the 50 ms wait for `fast` would admit it).
    const fourth = await run(handlers);
    assert.equal(fourth.kind === 'deny' && fourth.code, 'RAMPART_TRAFFIC_RATE_LIMITED');
    assert.match(fourth.kind === 'deny' ? (fourth.headers?.ratelimit ?? '') : '', /"slow";r=0/);
    await handlers.close?.();
    await state.close();
  });

  test('token bucket rules allow a burst and then refill at the rate', async () => {
    const clock = fakeClock();
    const handlers = setup(
      { rules: [{ name: 'b', limit: '1/s', algorithm: 'token-bucket', burst: 3 }] },
      clock,
    );
    assert.deepEqual(await kinds(handlers, 4), ['continue', 'continue', 'continue', 'deny']);
    clock.advance(1000);
    assert.deepEqual(await kinds(handlers, 2), ['continue', 'deny']);
  });

  test('counts per consumer when identified and per client IP otherwise', async () => {
    const handlers = setup({ rules: [{ name: 'r', limit: '1/m' }] });
    assert.equal(
      (await run(handlers, contextFor({ identity: alice, clientIp: '192.0.2.1' }))).kind,
      'continue',
    );
    assert.equal((await run(handlers, contextFor({ identity: alice, clientIp: '192.0.2.2' }))).kind, 'deny');
    assert.equal((await run(handlers, contextFor({ clientIp: '192.0.2.1' }))).kind, 'continue');
    assert.equal((await run(handlers, contextFor({ clientIp: '192.0.2.1' }))).kind, 'deny');
  });

  test('combines key parts: the same IP with another header value has its own counter', async () => {
    const handlers = setup({ rules: [{ name: 'r', limit: '1/m', key: ['ip', 'header:x-tenant'] }] });
    const tenant = (t: string) => contextFor({ headers: { 'x-tenant': t } });
    assert.equal((await run(handlers, tenant('a'))).kind, 'continue');
    assert.equal((await run(handlers, tenant('a'))).kind, 'deny');
    assert.equal((await run(handlers, tenant('b'))).kind, 'continue');
  });

  test('gives consumers on a plan their plan limits, also through an identity claim', async () => {
    const handlers = setup({
      rules: [{ name: 'r', limit: '1/m' }],
      plans: { gold: { consumers: ['alice'], limits: { r: '3/m' } } },
      planClaim: 'plan',
    });
    assert.deepEqual(await kinds(handlers, 4, () => contextFor({ identity: alice })), [
      'continue',
      'continue',
      'continue',
      'deny',
    ]);
    const bob = { consumerId: 'bob', scopes: [], method: 'jwt', claims: { plan: 'gold' } };
    assert.deepEqual(await kinds(handlers, 2, () => contextFor({ identity: bob })), ['continue', 'continue']);
  });

  test('refuses a plan that names an unknown rule when created', () => {
    assert.throws(() =>
      setup({ rules: [{ name: 'r', limit: '1/s' }], plans: { p: { limits: { nope: '1/s' } } } }),
    );
  });

  test('adds RateLimit headers to admitted responses, from that request state only', async () => {
    const handlers = setup({ rules: [{ name: 'r', limit: '5/10s' }] });
    const ctx = contextFor();
    const state = handlers.requestState!();
    await run(handlers, ctx, state);
    const response = contextFor({ response: { status: 200, headers: {} } });
    Object.assign(ctx, { response: response.response });
    handlers.onResponse?.(ctx, state);
    const other = contextFor({ response: { status: 200, headers: {} } });
    handlers.onResponse?.(other, handlers.requestState!());
    assert.equal(other.response?.headers.ratelimit, undefined);
    assert.equal(ctx.response?.headers['ratelimit-policy'], '"r";q=5;w=10');
    assert.equal(ctx.response?.headers.ratelimit, '"r";r=4;t=20');
  });

  test('throttle mode delays a refused request until it fits instead of refusing it', async () => {
    const clock = fakeClock();
    const handlers = rateLimit.create(
      configFor(rateLimit, {
        rules: [{ name: 'r', limit: '1/50ms', algorithm: 'token-bucket' }],
        action: 'throttle',
        throttle: { maxWait: '1s' },
      }),
      depsFor({ clock }),
    );
    assert.equal((await run(handlers)).kind, 'continue');
    let settled = false;
    const delayed = run(handlers).then((verdict) => {
      settled = true;
      return verdict;
    });
    await clock.whenSleeping();
    clock.advance(49);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'still waiting before the bucket refills');
    clock.advance(1);
    const verdict = await delayed;
    assert.equal(verdict.kind, 'continue');
    await handlers.close?.();
  });

  test('throttle mode refuses when the wait would exceed maxWait', async () => {
    const clock = fakeClock();
    const handlers = rateLimit.create(
      configFor(rateLimit, {
        rules: [{ name: 'r', limit: '1/m' }],
        action: 'throttle',
        throttle: { maxWait: '100ms', maxQueue: 1 },
      }),
      depsFor({ clock }),
    );
    assert.equal((await run(handlers)).kind, 'continue');
    const refused = await run(handlers);
    assert.equal(refused.kind === 'deny' && refused.code, 'RAMPART_TRAFFIC_RATE_LIMITED');
    assert.equal(clock.sleeping, 0, 'a wait past maxWait is refused without sleeping');
    await handlers.close?.();
  });

  test('throttle mode refuses once the queue is full', async () => {
    const clock = fakeClock();
    const handlers = rateLimit.create(
      configFor(rateLimit, {
        rules: [{ name: 'r', limit: '1/s', algorithm: 'token-bucket' }],
        action: 'throttle',
        throttle: { maxWait: '5s', maxQueue: 1 },
      }),
      depsFor({ clock }),
    );
    assert.equal((await run(handlers)).kind, 'continue');
    const queued = run(handlers);
    await clock.whenSleeping();
    const refused = await run(handlers);
    assert.equal(refused.kind === 'deny' && refused.code, 'RAMPART_TRAFFIC_RATE_LIMITED');
    clock.advance(1000);
    assert.equal((await queued).kind, 'continue');
    await handlers.close?.();
  });

  test('fails open or closed as configured when the state is unreachable', async () => {
    const broken = createMemoryState({ sweepMs: 0 });
    Object.assign(broken, { consumeAll: () => Promise.reject(new StateUnavailableError('down')) });
    const open = setup({ rules: [{ name: 'r', limit: '1/s' }] }, fakeClock(), broken);
    const ctx = contextFor();
    assert.equal((await run(open, ctx)).kind, 'continue');
    assert.equal(ctx.annotations.get('rate-limit.state'), 'unavailable');
    const closed = setup(
      { rules: [{ name: 'r', limit: '1/s' }], onStateError: 'closed' },
      fakeClock(),
      broken,
    );
    const verdict = await run(closed);
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_TRAFFIC_STATE_UNAVAILABLE');
  });

  test('answers synchronously on the memory state', () => {
    const handlers = setup({ rules: [{ name: 'r', limit: '1/s' }] });
    assert.ok(!(handlers.onRequest?.(contextFor()) instanceof Promise));
  });

  test('keys on a JSON body member, a form field, a claim or a query parameter, else on the client IP', async () => {
    const handlers = setup({ rules: [{ name: 'login', limit: '1/m', key: ['body:user.name'] }] });
    assert.equal(handlers.needs?.requestBody, true);
    const login = (name: string | undefined, ip = '198.51.100.1') =>
      contextFor({
        method: 'POST',
        clientIp: ip,
        body: JSON.stringify(name === undefined ? { other: 1 } : { user: { name }, password: 'x' }),
      });
    assert.equal((await run(handlers, login('alice'))).kind, 'continue');
    assert.equal((await run(handlers, login('alice', '198.51.100.2'))).kind, 'deny');
    assert.equal((await run(handlers, login('bob'))).kind, 'continue');
    // No member: counted per client IP, apart from every username.
    assert.equal((await run(handlers, login(undefined))).kind, 'continue');
    assert.equal((await run(handlers, login(undefined))).kind, 'deny');
    assert.equal((await run(handlers, login(undefined, '198.51.100.3'))).kind, 'continue');

    const form = setup({ rules: [{ name: 'grant', limit: '1/m', key: ['form:username'] }] });
    const grant = (user: string) =>
      contextFor({ method: 'POST', body: `grant_type=password&username=${user}&password=p` });
    assert.deepEqual(
      [await run(form, grant('a')), await run(form, grant('a')), await run(form, grant('b'))].map(
        (v) => v.kind,
      ),
      ['continue', 'deny', 'continue'],
    );

    const claim = setup({ rules: [{ name: 'sub', limit: '1/m', key: ['claim:sub'] }] });
    assert.equal(claim.needs?.requestBody, false);
    const bySub = (sub: string) =>
      contextFor({ identity: { consumerId: 'x', scopes: [], method: 'jwt', claims: { sub } } });
    assert.deepEqual(
      [await run(claim, bySub('s1')), await run(claim, bySub('s1')), await run(claim, bySub('s2'))].map(
        (v) => v.kind,
      ),
      ['continue', 'deny', 'continue'],
    );

    const query = setup({ rules: [{ name: 'q', limit: '1/m', key: ['query:name'] }] });
    const byName = (url: string) => contextFor({ rawUrl: url });
    assert.deepEqual(
      [
        await run(query, byName('/a?name=x')),
        await run(query, byName('/a?name=x')),
        await run(query, byName('/a?name=y')),
      ].map((v) => v.kind),
      ['continue', 'deny', 'continue'],
    );
  });
});
