// mtls on in-memory contexts: a verified client certificate names its consumer (from the store or by
// the certificate alone); no certificate, an untrusted one or an unlisted name is one 401.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configFor, contextFor, depsFor, fakeClock } from '../../../test/helpers/context.ts';
import { createSqliteStore } from '../../store/sqlite-store.ts';
import type { Consumer } from '../../store/store.ts';
import type { ClientCertificate, PolicyHandlers, Verdict } from '../policy.ts';
import { mtls } from './index.ts';

const CHALLENGE = 'Mutual-TLS realm="rampart"';

function certificate(cn: string, overrides: Partial<ClientCertificate> = {}): ClientCertificate {
  return {
    authorized: true,
    subject: { CN: cn, O: 'Example' },
    subjectAltName: `DNS:${cn}.example.test, URI:spiffe://example.test/${cn}`,
    fingerprint256: 'AB:CD:EF',
    serialNumber: '01',
    validTo: 'Jan  1 00:00:00 2030 GMT',
    ...overrides,
  };
}

describe('mtls', () => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  const store = createSqliteStore(':memory:', clock.now);
  let billing: Consumer;

  before(async () => {
    billing = await store.createConsumer({ name: 'svc-billing', roles: ['billing'] });
    const retired = await store.createConsumer({ name: 'svc-retired' });
    await store.setConsumerEnabled(retired.id, false);
  });
  after(async () => {
    await store.close();
  });

  const create = (raw: unknown = {}): PolicyHandlers =>
    mtls.create(configFor(mtls, raw), depsFor({ clock, store }));

  const call = async (handlers: PolicyHandlers, cert: ClientCertificate | undefined, secure = true) => {
    const ctx = contextFor({ secure, clock, ...(cert === undefined ? {} : { clientCertificate: cert }) });
    const verdict: Verdict = await handlers.onRequest!(ctx);
    return { ctx, verdict };
  };

  const assertRefused = (verdict: Verdict, rule: string): void => {
    assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_UNAUTHORIZED');
    assert.equal(verdict.kind === 'deny' && verdict.rule, rule);
    assert.equal(verdict.kind === 'deny' && verdict.headers?.['www-authenticate'], CHALLENGE);
  };

  test('identifies the store consumer a verified certificate names by its subject CN', async () => {
    const { ctx, verdict } = await call(create(), certificate('svc-billing'));
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.identity?.consumerId, billing.id);
    assert.equal(ctx.identity?.method, 'mtls');
    assert.deepEqual(ctx.identity?.scopes, ['billing']);
    assert.equal(ctx.upstreamHeaders.get('x-authenticated-by'), 'mtls');
  });

  test('answers 401 with the Mutual-TLS challenge without a certificate or without TLS', async () => {
    const handlers = create();
    assertRefused((await call(handlers, undefined)).verdict, 'missing');
    assertRefused((await call(handlers, certificate('svc-billing'), false)).verdict, 'missing');
  });

  test('refuses a certificate the listener could not verify against its CA', async () => {
    const { ctx, verdict } = await call(create(), certificate('svc-billing', { authorized: false }));
    assertRefused(verdict, 'untrusted-certificate');
    assert.equal(ctx.identity, undefined);
  });

  test('refuses certificates naming an unknown or a disabled consumer', async () => {
    const handlers = create();
    assertRefused((await call(handlers, certificate('svc-nobody'))).verdict, 'unknown-consumer');
    assertRefused((await call(handlers, certificate('svc-retired'))).verdict, 'consumer-disabled');
  });

  test('takes the identity from a SAN URI alone and refuses names off the allow list', async () => {
    const handlers = create({
      consumerFrom: 'san.uri',
      lookup: 'certificate',
      roles: ['internal'],
      allow: ['spiffe://example.test/svc-a'],
    });
    const { ctx, verdict } = await call(handlers, certificate('svc-a'));
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.identity?.consumerId, 'spiffe://example.test/svc-a');
    assert.deepEqual(ctx.identity?.scopes, ['internal']);
    assertRefused((await call(handlers, certificate('svc-b'))).verdict, 'not-allowed');
  });
});
