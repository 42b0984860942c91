// brute-force on in-memory contexts: failed authentications noted on the log phase lock the client
// address and the credential out with 429 and Retry-After, for a period that doubles and then ends.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  type ContextOverrides,
  configFor,
  contextFor,
  depsFor,
  fakeClock,
  logContextFor,
} from '../../../test/helpers/context.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { PolicyHandlers, Verdict } from '../policy.ts';
import { bruteForce } from './index.ts';

const BASIC_EVE = `Basic ${Buffer.from('eve:guess', 'utf8').toString('base64')}`;

describe('brute-force', () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const state = createMemoryState({ clock, sweepMs: 0 });
  after(async () => {
    await state.close();
  });

  const create = (raw: unknown): PolicyHandlers =>
    bruteForce.create(
      configFor(bruteForce, {
        maxFailures: 3,
        window: '1m',
        lockout: '30s',
        maxLockout: '2m',
        ...(raw as object),
      }),
      depsFor({ clock, state }),
    );

  const check = async (handlers: PolicyHandlers, overrides: ContextOverrides): Promise<Verdict> =>
    handlers.onRequest!(contextFor({ ...overrides, clock }));

  /** Logs `count` failed attempts and lets the counting (asynchronous) finish. */
  const fail = async (handlers: PolicyHandlers, overrides: ContextOverrides, count: number) => {
    const emitted = [];
    for (let i = 0; i < count; i++) {
      const ctx = logContextFor({
        ...overrides,
        clock,
        status: 401,
        errorCode: 'RAMPART_AUTHN_UNAUTHORIZED',
      });
      ctx.authn.failed('basic', 'user:eve');
      handlers.onLog!(ctx);
      await new Promise((resolve) => setImmediate(resolve));
      emitted.push(...ctx.events);
    }
    return emitted;
  };

  const assertLocked = (verdict: Verdict, rule: string, retryAfter: string): void => {
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_LOCKED_OUT');
    assert.equal(verdict.kind === 'deny' && verdict.rule, rule);
    assert.equal(verdict.kind === 'deny' && verdict.headers?.['retry-after'], retryAfter);
  };

  test('lets a client with no failed attempts through', async () => {
    const handlers = create({});
    assert.equal((await check(handlers, { clientIp: '198.51.100.1' })).kind, 'continue');
  });

  test('locks a client address out with Retry-After once it reaches the failure threshold', async () => {
    const handlers = create({ by: ['ip'] });
    const client = { clientIp: '198.51.100.2' };
    await fail(handlers, client, 2);
    assert.equal((await check(handlers, client)).kind, 'continue');
    const events = await fail(handlers, client, 1);
    assert.deepEqual(
      events.map((event) => event.rule),
      ['ip-lockout'],
    );
    assertLocked(await check(handlers, client), 'ip-locked', '30');
    assert.equal((await check(handlers, { clientIp: '198.51.100.3' })).kind, 'continue');
  });

  test('locks a guessed credential out from every address', async () => {
    const handlers = create({ by: ['credential'] });
    await fail(handlers, { clientIp: '198.51.100.4', headers: { authorization: BASIC_EVE } }, 3);
    const elsewhere = { clientIp: '203.0.113.99', headers: { authorization: BASIC_EVE } };
    assertLocked(await check(handlers, elsewhere), 'credential-locked', '30');
  });

  test('ends a lockout when its period has passed and doubles the next one', async () => {
    const handlers = create({ by: ['ip'] });
    const client = { clientIp: '198.51.100.5' };
    await fail(handlers, client, 3);
    assertLocked(await check(handlers, client), 'ip-locked', '30');
    clock.advance(30_000);
    assert.equal((await check(handlers, client)).kind, 'continue');
    await fail(handlers, client, 3);
    assertLocked(await check(handlers, client), 'ip-locked', '60');
  });

  test('counts nothing for a logged request without a failed authentication', async () => {
    const handlers = create({ by: ['ip'] });
    const client = { clientIp: '198.51.100.6' };
    for (let i = 0; i < 5; i++) handlers.onLog!(logContextFor({ ...client, clock }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await check(handlers, client)).kind, 'continue');
  });
});
