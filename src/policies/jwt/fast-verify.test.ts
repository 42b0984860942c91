import assert from 'node:assert/strict';
import { createHmac, createSecretKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose';
import { verificationOutcome } from '../../../test/helpers/jose-outcome.ts';
import { type ClaimRules, fastVerify } from './fast-verify.ts';

const NOW = Date.UTC(2026, 5, 1);
const now = Math.floor(NOW / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('fast JWT verification', () => {
  test('agrees with jose on accepted and refused tokens', async () => {
    const pairs = {
      es256: await generateKeyPair('ES256', { extractable: true }),
      es384: await generateKeyPair('ES384', { extractable: true }),
      rs256: await generateKeyPair('RS256', { extractable: true }),
      ps256: await generateKeyPair('PS256', { extractable: true }),
      ed: await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' }),
    };
    const keys: JWK[] = [];
    for (const [kid, pair] of Object.entries(pairs)) keys.push({ ...(await exportJWK(pair.publicKey)), kid });
    const getKey = createLocalJWKSet({ keys });
    const rules: ClaimRules = {
      issuer: 'https://idp',
      audience: ['api'],
      algorithms: new Set(['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA']),
      toleranceSec: 30,
      maxTokenAgeSec: 3600,
      requireExp: true,
    };
    const joseOptions = {
      issuer: 'https://idp',
      audience: ['api'],
      algorithms: [...rules.algorithms],
      clockTolerance: 30,
      maxTokenAge: 3600,
      requiredClaims: ['exp'],
      currentDate: new Date(NOW),
    };
    const make = (alg: string, kid: keyof typeof pairs, claims: Record<string, unknown> = {}) =>
      new SignJWT({ iss: 'https://idp', aud: 'api', sub: 'u', iat: now - 10, exp: now + 60, ...claims })
        .setProtectedHeader({ alg, kid })
        .sign(pairs[kid].privateKey);
    const valid = await make('ES256', 'es256');
    const [h, p, s] = valid.split('.');
    const tokens: Record<string, string> = {
      es256: valid,
      es384: await make('ES384', 'es384'),
      rs256: await make('RS256', 'rs256'),
      ps256: await make('PS256', 'ps256'),
      eddsa: await make('EdDSA', 'ed'),
      audArray: await make('ES256', 'es256', { aud: ['other', 'api'] }),
      expired: await make('ES256', 'es256', { exp: now - 31 }),
      expiredWithinSkew: await make('ES256', 'es256', { exp: now - 29 }),
      notYet: await make('ES256', 'es256', { nbf: now + 31 }),
      wrongIss: await make('ES256', 'es256', { iss: 'https://evil' }),
      wrongAud: await make('ES256', 'es256', { aud: ['other'] }),
      noExp: await make('ES256', 'es256', { exp: undefined }),
      stringExp: await make('ES256', 'es256', { exp: String(now + 60) }),
      tooOld: await make('ES256', 'es256', { iat: now - 4000 }),
      noIat: await make('ES256', 'es256', { iat: undefined }),
      futureIat: await make('ES256', 'es256', { iat: now + 120 }),
      stringIat: await make('ES256', 'es256', { iat: 'yesterday' }),
      arrayPayload: `${h}.${Buffer.from('[1]').toString('base64url')}.${s}`,
      tamperedPayload: `${h}.${b64({ iss: 'https://idp', aud: 'api', sub: 'admin', exp: now + 60, iat: now })}.${s}`,
      tamperedSignature: `${h}.${p}.${s!.slice(0, -4)}AAAA`,
      none: `${b64({ alg: 'none', kid: 'es256' })}.${p}.`,
      hs256: `${b64({ alg: 'HS256', kid: 'rs256' })}.${p}.${s}`,
      wrongKeyType: `${b64({ alg: 'ES256', kid: 'rs256' })}.${p}.${s}`,
      unknownKid: `${b64({ alg: 'ES256', kid: 'nope' })}.${p}.${s}`,
      garbage: 'not.a.jwt',
      twoParts: `${h}.${p}`,
    };
    for (const [name, token] of Object.entries(tokens)) {
      const fast = await verificationOutcome(() => fastVerify(token, { getKey }, rules, NOW));
      const reference = await verificationOutcome(() => jwtVerify(token, getKey, joseOptions));
      const accepted = (o: string) => o === 'ok';
      assert.equal(accepted(fast), accepted(reference), `${name}: fast ${fast}, jose ${reference}`);
      if (!accepted(reference) && fast !== 'fallback') {
        assert.equal(fast.split(':')[0], reference.split(':')[0], `${name}: fast ${fast}, jose ${reference}`);
      }
    }
  });

  test('agrees with jose on HS256/384/512 tokens, without iss/aud rules, and refuses other algorithms', async () => {
    const secret = createSecretKey(Buffer.from('kkkkkkkkkk-a-long-random-shared-secret-0123456789'));
    const other = createSecretKey(Buffer.from('another-long-random-shared-secret-0123456789'));
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const getKey = async () => secret;
    const rules: ClaimRules = {
      issuer: undefined,
      audience: undefined,
      algorithms: new Set(['HS256', 'HS384', 'HS512']),
      toleranceSec: 30,
      maxTokenAgeSec: undefined,
      requireExp: true,
    };
    const joseOptions = {
      algorithms: [...rules.algorithms],
      clockTolerance: 30,
      requiredClaims: ['exp'],
      currentDate: new Date(NOW),
    };
    const make = (alg: string, claims: Record<string, unknown> = {}, key: unknown = secret) =>
      new SignJWT({ sub: 'name1', iat: now - 10, exp: now + 60, ...claims })
        .setProtectedHeader({ alg, typ: 'JWT' })
        .sign(key as Parameters<SignJWT['sign']>[0]);
    const valid = await make('HS256');
    const [h, p, s] = valid.split('.');
    const tokens: Record<string, string> = {
      hs256: valid,
      hs384: await make('HS384'),
      hs512: await make('HS512'),
      withIssAndAud: await make('HS256', { iss: 'anyone', aud: 'anything' }),
      wrongSecret: await make('HS256', {}, other),
      expired: await make('HS512', { exp: now - 31 }),
      noExp: await make('HS256', { exp: undefined }),
      notYet: await make('HS384', { nbf: now + 31 }),
      tamperedPayload: `${h}.${b64({ sub: 'admin', iat: now, exp: now + 60 })}.${s}`,
      truncatedSignature: `${h}.${p}.${s!.slice(0, -6)}`,
      headerSaysHs384: `${b64({ alg: 'HS384', typ: 'JWT' })}.${p}.${s}`,
      rs256: await make('RS256', {}, rsa.privateKey),
      none: `${b64({ alg: 'none' })}.${p}.`,
      noneWithSignature: `${b64({ alg: 'none' })}.${p}.${s}`,
    };
    const accepted: string[] = [];
    for (const [name, token] of Object.entries(tokens)) {
      const fast = await verificationOutcome(() => fastVerify(token, { getKey }, rules, NOW));
      const reference = await verificationOutcome(() => jwtVerify(token, getKey, joseOptions));
      assert.equal(fast === 'ok', reference === 'ok', `${name}: fast ${fast}, jose ${reference}`);
      assert.notEqual(fast, 'fallback', name);
      if (reference !== 'ok') {
        assert.equal(fast.split(':')[0], reference.split(':')[0], `${name}: fast ${fast}, jose ${reference}`);
      } else accepted.push(name);
    }
    assert.deepEqual(accepted, ['hs256', 'hs384', 'hs512', 'withIssAndAud']);
  });
  // Disagreements the fuzz (fast-verify.fuzz.test.ts) found in the earlier fast path, kept by name.
  describe('regressions found by fuzzing against jose', () => {
    const secret = createSecretKey(Buffer.from('regression-shared-secret-0123456789-abcdefghijklmnop'));
    const getKey = async () => secret;
    const rules: ClaimRules = {
      issuer: undefined,
      audience: undefined,
      algorithms: new Set(['HS256']),
      toleranceSec: 0,
      maxTokenAgeSec: undefined,
      requireExp: false,
    };
    const joseOptions = { algorithms: ['HS256'], currentDate: new Date(NOW) };
    const HEADER = Buffer.from('{"alg":"HS256"}');
    // 29 bytes: its base64 form ends in '=='.
    const PAYLOAD = Buffer.from(`{"sub":"u","exp":${now + 60}}`);
    const hmac = (input: string) => createHmac('sha256', secret).update(input).digest('base64url');
    /** A token from raw segment text, signed over exactly that text (so only its form is at fault). */
    const signedOver = (header: string, payload: string) =>
      `${header}.${payload}.${hmac(`${header}.${payload}`)}`;
    const raw = (header: Buffer, payload: Buffer) =>
      signedOver(header.toString('base64url'), payload.toString('base64url'));
    /** A segment padded with 'A's to a length of 4n+1, which decodes to nothing whole. */
    const to4n1 = (segment: string) => `${segment}${'A'.repeat((5 - (segment.length % 4)) % 4)}`;
    const withBytes = (json: Buffer, bytes: number[]) =>
      Buffer.concat([json.subarray(0, -1), Buffer.from(',"x":"'), Buffer.from(bytes), Buffer.from('"}')]);
    const cases: Array<[string, () => string, string]> = [
      [
        'refuses a payload segment of 4n+1 characters even when the signature covers it (it was read without its last character)',
        () => signedOver(HEADER.toString('base64url'), to4n1(PAYLOAD.toString('base64url'))),
        'JWSInvalid',
      ],
      [
        'refuses a payload whose bytes are not UTF-8 (it was read with U+FFFD in their place)',
        () => raw(HEADER, withBytes(PAYLOAD, [0xc3, 0x28])),
        'JWTInvalid',
      ],
      [
        'refuses a header whose bytes are not UTF-8',
        () => raw(withBytes(HEADER, [0xff]), PAYLOAD),
        'JWSInvalid',
      ],
      [
        'reads a header and a payload that start with a UTF-8 BOM, as jose does (it refused them)',
        () => raw(Buffer.from(`\ufeff${HEADER}`), Buffer.from(`\ufeff${PAYLOAD}`)),
        'ok',
      ],
      [
        'calls a missing alg malformed, not a disallowed algorithm',
        () => raw(Buffer.from('{"typ":"JWT"}'), PAYLOAD),
        'JWSInvalid',
      ],
      [
        'calls a non-string alg malformed',
        () => raw(Buffer.from('{"alg":["HS256"]}'), PAYLOAD),
        'JWSInvalid',
      ],
      [
        'checks the signature before the payload: an empty payload with a wrong signature is a signature failure',
        () => `${HEADER.toString('base64url')}..${hmac('other')}`,
        'JWSSignatureVerificationFailed',
      ],
      [
        'refuses an empty payload with a valid signature as no claims set',
        () => signedOver(HEADER.toString('base64url'), ''),
        'JWTInvalid',
      ],
      [
        'refuses a header segment of 4n+1 characters as malformed, before any signature check',
        () => `${to4n1(HEADER.toString('base64url'))}.${PAYLOAD.toString('base64url')}.${hmac('x')}`,
        'JWSInvalid',
      ],
    ];
    // Deliberately stricter than jose, which accepts these when the signature covers them.
    const stricter: Array<[string, () => string, string]> = [
      [
        'refuses base64 padding in a segment (RFC 7515 §2: base64url without padding)',
        () => signedOver(HEADER.toString('base64url'), PAYLOAD.toString('base64')),
        'JWSInvalid',
      ],
      [
        'refuses whitespace in a segment (RFC 7515 §7.1: no whitespace)',
        () => signedOver(HEADER.toString('base64url'), ` ${PAYLOAD.toString('base64url')}`),
        'JWSInvalid',
      ],
      [
        'refuses an exp that parses to Infinity, a token that never expires (RFC 7519 §2 NumericDate)',
        () => raw(HEADER, Buffer.from('{"sub":"u","exp":1e400}')),
        'JWTClaimValidationFailed:exp',
      ],
    ];
    for (const [title, make, expected] of stricter) {
      test(title, async () => {
        const token = make();
        assert.equal(await verificationOutcome(() => jwtVerify(token, getKey, joseOptions)), 'ok', 'jose');
        assert.equal(
          await verificationOutcome(() => fastVerify(token, { getKey }, rules, NOW)),
          expected,
          'fast path',
        );
      });
    }
    for (const [title, make, expected] of cases) {
      test(title, async () => {
        const token = make();
        assert.equal(
          await verificationOutcome(() => jwtVerify(token, getKey, joseOptions)),
          expected,
          'jose',
        );
        assert.equal(
          await verificationOutcome(() => fastVerify(token, { getKey }, rules, NOW)),
          expected,
          'fast path',
        );
      });
    }
  });
});
