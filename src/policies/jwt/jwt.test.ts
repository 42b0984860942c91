import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { configFor, contextFor, depsFor, fakeClock } from '../../../test/helpers/context.ts';
import type { Verdict } from '../policy.ts';
import { jwt } from './index.ts';
import { weakJwtSecret, weakJwtSecrets } from './key-binding.ts';

const STRONG = 'vW3x9Qm2Lr7Tz1Kp8Yb4Nc6Hd0Fg5Js-strong-enough';
process.env.JWT_TEST_STRONG = STRONG;
process.env.JWT_TEST_WEAK = 'changeme';
process.env.JWT_TEST_LONG_DEFAULT = 'a-string-secret-at-least-256-bits-long';
after(() => {
  delete process.env.JWT_TEST_STRONG;
  delete process.env.JWT_TEST_WEAK;
  delete process.env.JWT_TEST_LONG_DEFAULT;
});

const clock = fakeClock(Date.UTC(2026, 5, 1));
const nowSec = Math.floor(clock.now() / 1000);
const sharedSecret = { secret: 'env:JWT_TEST_STRONG', requireIssuer: false, requireAudience: false };

const build = (raw: Record<string, unknown>) => jwt.create(configFor(jwt, raw), depsFor({ clock }));
const sign = (alg: string, key: Parameters<SignJWT['sign']>[0], claims: Record<string, unknown> = {}) =>
  new SignJWT({ sub: 'name1', iat: nowSec, exp: nowSec + 600, ...claims })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(key);
const bytes = (text: string) => new TextEncoder().encode(text);

async function run(raw: Record<string, unknown>, authorization: string | string[] | undefined) {
  const handlers = build(raw);
  const ctx = contextFor({ clock, headers: authorization === undefined ? {} : { authorization } });
  const verdict = (await handlers.onRequest!(ctx)) as Verdict;
  await handlers.close?.();
  return { verdict, ctx };
}

describe('jwt with a shared secret', () => {
  test('accepts HS256 tokens without iss/aud when requireIssuer and requireAudience are false', async () => {
    const token = await sign('HS256', bytes(STRONG));
    const { verdict, ctx } = await run(sharedSecret, `Bearer ${token}`);
    assert.equal(verdict.kind, 'continue');
    assert.equal(ctx.identity?.consumerId, 'name1');
    assert.deepEqual(
      ctx.authn.attempts.map((a) => a.result),
      ['succeeded'],
    );
  });

  test('checks HS384/HS512 only when listed, and an issuer when one is set', async () => {
    const hs512 = await sign('HS512', bytes(STRONG));
    assert.equal((await run(sharedSecret, `Bearer ${hs512}`)).verdict.kind, 'deny');
    const listed = { ...sharedSecret, algorithms: ['HS256', 'HS512'] };
    assert.equal((await run(listed, `Bearer ${hs512}`)).verdict.kind, 'continue');
    const withIssuer = { ...sharedSecret, issuer: 'https://api.example' };
    assert.equal((await run(withIssuer, `Bearer ${hs512}`)).verdict.kind, 'deny');
    const issued = await sign('HS256', bytes(STRONG), { iss: 'https://api.example' });
    assert.equal((await run(withIssuer, `Bearer ${issued}`)).verdict.kind, 'continue');
  });

  test('refuses a token signed with another secret, an RS256 token and alg none', async () => {
    const forged = await sign('HS256', bytes('random'));
    const rsa = await generateKeyPair('RS256');
    const rs256 = await sign('RS256', rsa.privateKey);
    const [, payload] = (await sign('HS256', bytes(STRONG))).split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    for (const token of [forged, rs256, none]) {
      const { verdict, ctx } = await run(sharedSecret, `Bearer ${token}`);
      assert.equal(verdict.kind, 'deny');
      assert.equal(verdict.kind === 'deny' && verdict.code, 'RAMPART_AUTHN_UNAUTHORIZED');
      assert.equal(ctx.authn.failure?.method, 'jwt');
      assert.equal(ctx.identity, undefined);
    }
  });

  test('remembers a forged token by its hash: the second try is refused without a signature check', async () => {
    const local = fakeClock(clock.now());
    const handlers = jwt.create(configFor(jwt, sharedSecret), depsFor({ clock: local }));
    const attempt = async (token: string) =>
      (await handlers.onRequest!(
        contextFor({ clock: local, headers: { authorization: `Bearer ${token}` } }),
      )) as Verdict;
    const refusal = (verdict: Verdict) => (verdict.kind === 'deny' ? [verdict.rule, verdict.reason] : []);
    const forged = await sign('HS256', bytes('random'));
    assert.deepEqual(refusal(await attempt(forged)), ['signature', 'jwt refused: signature']);
    assert.deepEqual(refusal(await attempt(forged)), ['signature', 'jwt refused: signature (seen before)']);
    // Remembered for at most a minute (a key may be replaced under the same kid): then checked again.
    local.advance(61_000);
    assert.deepEqual(refusal(await attempt(forged)), ['signature', 'jwt refused: signature']);
    // A token refused for its time is not remembered: it is checked again, so it passes once valid.
    const early = await sign('HS256', bytes(STRONG), { nbf: Math.floor(local.now() / 1000) + 120 });
    assert.deepEqual(refusal(await attempt(early)), ['not-yet-valid', 'jwt refused: not-yet-valid']);
    local.advance(121_000);
    assert.equal((await attempt(early)).kind, 'continue');
    await handlers.close?.();
  });

  test('refuses a time claim that is not a finite number on both paths: the fast one and jose (crit)', async () => {
    const raw = (header: object, payload: string) => {
      const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
      return `${input}.${createHmac('sha256', STRONG).update(input).digest('base64url')}`;
    };
    const forever = `{"sub":"name1","iat":${nowSec},"exp":1e400}`;
    for (const header of [{ alg: 'HS256' }, { alg: 'HS256', crit: ['b64'], b64: true }]) {
      const { verdict } = await run(sharedSecret, `Bearer ${raw(header, forever)}`);
      assert.equal(verdict.kind === 'deny' && verdict.rule, 'claims', JSON.stringify(header));
    }
    const { verdict } = await run(
      sharedSecret,
      `Bearer ${raw({ alg: 'HS256', crit: ['b64'], b64: true }, `{"sub":"name1","exp":${nowSec + 60}}`)}`,
    );
    assert.equal(verdict.kind, 'continue', 'a crit b64 token is verified by jose');
  });

  test('refuses a request with two Authorization headers, even when both carry a valid token', async () => {
    const token = await sign('HS256', bytes(STRONG));
    const { verdict } = await run(sharedSecret, [`Bearer ${token}`, `Bearer ${token}`]);
    assert.equal(verdict.kind === 'deny' && verdict.rule, 'malformed');
  });

  test('binds algorithms to the kind of key at load: no mix, no HS* with keys, no RS* with a secret', () => {
    assert.throws(
      () => build({ ...sharedSecret, algorithms: ['HS256', 'RS256'] }),
      /RS256 cannot be verified/,
    );
    assert.throws(() => build({ ...sharedSecret, jwksUrl: 'http://127.0.0.1:1/jwks' }), /cannot be combined/);
    assert.throws(
      () =>
        build({ jwksUrl: 'http://127.0.0.1:1/jwks', issuer: 'i', audience: ['a'], algorithms: ['HS256'] }),
      /need a shared secret/,
    );
  });

  test('refuses a shared-secret JWK among public keys at load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-jwt-oct-'));
    try {
      writeFileSync(
        join(dir, 'secret.jwk'),
        JSON.stringify({ kty: 'oct', k: Buffer.from(STRONG).toString('base64url') }),
      );
      assert.throws(
        () =>
          jwt.create(
            configFor(jwt, { keys: ['secret.jwk'], issuer: 'i', audience: ['a'] }),
            depsFor({ clock, baseDir: dir }),
          ),
        /oct/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('requires issuer and audience unless turned off explicitly', () => {
    assert.throws(() => build({ secret: 'env:JWT_TEST_STRONG', requireAudience: false }), /issuer: required/);
    assert.throws(() => build({ secret: 'env:JWT_TEST_STRONG', requireIssuer: false }), /audience: required/);
  });

  test('refuses a weak secret at load without naming it, unless allowWeakSecret', () => {
    for (const ref of ['env:JWT_TEST_WEAK', 'env:JWT_TEST_LONG_DEFAULT']) {
      assert.throws(
        () => build({ ...sharedSecret, secret: ref }),
        (error: Error) =>
          /weak/.test(error.message) &&
          !error.message.includes('changeme') &&
          !error.message.includes('at-least-256'),
      );
      assert.doesNotThrow(() => build({ ...sharedSecret, secret: ref, allowWeakSecret: true }).close?.());
    }
  });

  test('reports a weak secret for rampart check as high', () => {
    const resolve = (ref: string) => process.env[ref.slice(4)];
    assert.equal(weakJwtSecret({ secret: 'env:JWT_TEST_WEAK' }, resolve)?.severity, 'high');
    assert.equal(weakJwtSecret({ secret: 'env:JWT_TEST_STRONG' }, resolve), undefined);
    assert.equal(weakJwtSecret({}, resolve), undefined);
    const config = {
      defaults: { policies: { jwt: { secret: 'env:JWT_TEST_STRONG' } } },
      routes: [
        { policies: {} },
        { policies: { jwt: { secret: 'env:JWT_TEST_WEAK', allowWeakSecret: true } } },
      ],
    };
    const secrets = new Map([
      ['env:JWT_TEST_STRONG', STRONG],
      ['env:JWT_TEST_WEAK', 'changeme'],
    ]);
    assert.deepEqual(
      weakJwtSecrets(config, secrets).map((finding) => [finding.path, finding.severity]),
      [['routes[1].policies.jwt', 'high']],
    );
  });
});

describe('jwt with static key files', () => {
  test('finds a key once per alg and kid: a JWKS key by its kid, a kidless PEM key whatever kid a token names, an unknown kid refused each time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-jwt-static-'));
    try {
      const es = await generateKeyPair('ES256', { extractable: true });
      const ed = await generateKeyPair('EdDSA', { extractable: true });
      const other = await generateKeyPair('ES256');
      writeFileSync(
        join(dir, 'keys.json'),
        JSON.stringify({ keys: [{ ...(await exportJWK(es.publicKey)), kid: 'a' }] }),
      );
      writeFileSync(join(dir, 'ed.pem'), await exportSPKI(ed.publicKey));
      const create = (keys: string[]) =>
        jwt.create(
          configFor(jwt, {
            keys,
            issuer: 'i',
            audience: ['a'],
            algorithms: ['ES256', 'EdDSA'],
            cacheSize: 0,
          }),
          depsFor({ clock, baseDir: dir }),
        );
      const token = (alg: string, kid: string, key: Parameters<SignJWT['sign']>[0]) =>
        new SignJWT({ sub: 'name1', iss: 'i', aud: 'a', iat: nowSec, exp: nowSec + 600 })
          .setProtectedHeader({ alg, kid })
          .sign(key);
      const outcomes = async (handlers: ReturnType<typeof create>, tokens: string[]) => {
        const seen: string[] = [];
        for (const t of tokens) {
          const verdict = (await handlers.onRequest!(
            contextFor({ clock, headers: { authorization: `Bearer ${t}` } }),
          )) as Verdict;
          seen.push(verdict.kind === 'deny' ? (verdict.rule ?? 'deny') : verdict.kind);
        }
        await handlers.close?.();
        return seen;
      };
      const byKid = await token('ES256', 'a', es.privateKey);
      const anyKid = await token('EdDSA', 'rotated-2026', ed.privateKey);
      const forged = await token('ES256', 'a', other.privateKey);
      const unknown = await token('ES256', 'b', es.privateKey);
      assert.deepEqual(
        await outcomes(create(['keys.json', 'ed.pem']), [byKid, byKid, anyKid, anyKid, forged, forged]),
        ['continue', 'continue', 'continue', 'continue', 'signature', 'signature'],
      );
      // Without the kidless key, a kid no key carries is unknown, again and again; the known one still works.
      assert.deepEqual(await outcomes(create(['keys.json']), [unknown, unknown, byKid, anyKid]), [
        'unknown-kid',
        'unknown-kid',
        'continue',
        'unknown-kid',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
