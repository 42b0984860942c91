// api-key on in-memory contexts: a valid key identifies its consumer, every refusal is one 401 with
// the ApiKey challenge, expiry follows the clock, and `optional` lets a keyless request go on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configFor, contextFor, depsFor, fakeClock } from '../../../test/helpers/context.ts';
import { issueApiKey } from '../../identity/api-keys.ts';
import { createSqliteStore } from '../../store/sqlite-store.ts';
import type { Consumer } from '../../store/store.ts';
import type { PolicyHandlers, Verdict } from '../policy.ts';
import { apiKey } from './index.ts';

const HOUR = 3_600_000;
const CHALLENGE = 'ApiKey realm="rampart", header="x-api-key"';

describe('api-key', () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const store = createSqliteStore(':memory:', clock.now);
  let alice: Consumer;

  before(async () => {
    alice = await store.createConsumer({ name: 'alice', roles: ['read', 'write'] });
  });
  after(async () => {
    await store.close();
  });

  const create = (raw: unknown = {}): PolicyHandlers =>
    apiKey.create(configFor(apiKey, raw), depsFor({ clock, store }));

  const call = async (handlers: PolicyHandlers, headers: Record<string, string> = {}) => {
    const ctx = contextFor({ headers, clock });
    const verdict: Verdict = await handlers.onRequest!(ctx);
    return { ctx, verdict };
  };

  const assertRefused = (verdict: Verdict, rule: string): void => {
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.equal(verdict.kind === 'deny' && verdict.rule, rule);
    assert.equal(verdict.kind === 'deny' && verdict.headers?.['www-authenticate'], CHALLENGE);
  };

  test('identifies the consumer of a valid key and forwards the identity without the key', async () => {
    const { key } = await issueApiKey(store, alice, { now: clock.now() });
    const { ctx, verdict } = await call(create(), { 'x-api-key': key, 'x-consumer-id': 'admin' });
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.identity?.consumerId, alice.id);
    assert.equal(ctx.identity?.method, 'api-key');
    assert.deepEqual(ctx.identity?.scopes, ['read', 'write']);
    assert.equal(ctx.upstreamHeaders.get('x-consumer-id'), alice.id);
    assert.equal(ctx.upstreamHeaders.get('x-consumer-scopes'), 'read write');
    assert.equal(ctx.upstreamHeaders.has('x-api-key'), true);
    assert.equal(ctx.upstreamHeaders.get('x-api-key'), undefined);
  });

  test('answers 401 with the ApiKey challenge when no key is sent', async () => {
    const { ctx, verdict } = await call(create());
    assertRefused(verdict, 'missing');
    assert.equal(ctx.identity, undefined);
  });

  test('refuses a wrong secret, an unknown key id and garbage with the same code', async () => {
    const { key } = await issueApiKey(store, alice, { now: clock.now() });
    const handlers = create();
    assertRefused((await call(handlers, { 'x-api-key': `${key.slice(0, -4)}AAAA` })).verdict, 'bad-secret');
    const unknown = `rmp_live_${'B'.repeat(12)}${key.slice(21)}`;
    assertRefused((await call(handlers, { 'x-api-key': unknown })).verdict, 'unknown-key');
    assertRefused((await call(handlers, { 'x-api-key': 'not-a-key' })).verdict, 'malformed');
  });

  test('refuses a key once its expiry has passed on the clock', async () => {
    const { key } = await issueApiKey(store, alice, { now: clock.now(), ttlMs: HOUR });
    const handlers = create({ cacheTtl: 0 });
    assert.equal((await call(handlers, { 'x-api-key': key })).verdict.kind, 'continue');
    clock.advance(HOUR);
    assertRefused((await call(handlers, { 'x-api-key': key })).verdict, 'expired');
  });

  test('lets a request without a key go on unidentified when the method is optional', async () => {
    const { ctx, verdict } = await call(create({ optional: true }));
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.identity, undefined);
  });
});
