// Unit tests of the scanner's pure parts: redaction, weak-key cracking, exposure and differentials.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { exposedMembers } from './checks/data-exposure.ts';
import { superLinear } from './checks/resource-consumption.ts';
import { carriesData, signatureOf } from './compare.ts';
import { candidates, crackJwt } from './jwt-crack.ts';
import { redactBody, redactHeader } from './redact.ts';

function hs256(key: string): string {
  const body = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"2"}').toString('base64url')}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

describe('scanner helpers', () => {
  it('masks bearer tokens and password members, keeping a short prefix only', () => {
    const token = hs256('secret');
    assert.doesNotMatch(redactHeader('authorization', `Bearer ${token}`), new RegExp(token.slice(-20)));
    assert.doesNotMatch(
      redactBody(JSON.stringify({ password: 'hunter2-long-password', name: 'x' })),
      /hunter2-long/,
    );
  });

  it('recovers HS256 keys from the word list, its mutations and the short keyspaces, and none for a strong key', () => {
    const unbounded = { maxMs: Number.POSITIVE_INFINITY };
    assert.equal(crackJwt(hs256('secret'), unbounded).key, 'secret');
    assert.equal(crackJwt(hs256('Changeme2024'), unbounded).key, 'Changeme2024');
    assert.equal(crackJwt(hs256('tomato'), { ...unbounded, wordlist: ['potato', 'tomato'] }).key, 'tomato');
    assert.equal(crackJwt(hs256('4829'), unbounded).key, '4829');
    const strong = crackJwt(hs256('f3a9c1d7e2b84a6f9c0d1e2f3a4b5c6d'), {
      ...unbounded,
      maxCandidates: 50_000,
    });
    assert.equal(strong.key, undefined);
    assert.equal(strong.tried, 50_000);
  });

  it('stops recovering at its deadline, measured on an injected clock', () => {
    let t = 0;
    const result = crackJwt(hs256('f3a9c1d7e2b84a6f9c0d1e2f3a4b5c6d'), { maxMs: 10, now: () => (t += 1) });
    assert.equal(result.key, undefined);
    assert.equal(result.exhausted, false);
    assert.ok(result.tried <= 4096 * 12);
  });

  it('lists six-digit numbers, four lowercase letters and three alphanumerics among the candidates', () => {
    const wanted = new Set(['482913', 'qzxw', 'Zb1']);
    for (const value of candidates()) wanted.delete(value);
    assert.deepEqual([...wanted], []);
  });

  it('reports undeclared and sensitive members against a schema', () => {
    const schema = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } };
    const found = exposedMembers({ id: 1, name: 'a', passwordHash: 'sha256:abcd' }, schema);
    assert.deepEqual(found.undeclared, ['passwordHash']);
    assert.equal(found.sensitive.length, 1);
    assert.deepEqual(exposedMembers({ id: 1, name: 'a' }, schema), { undeclared: [], sensitive: [] });
  });

  it('tells answers apart by status and shape, and recognises another user data by its id and values', () => {
    const a = { status: 200, json: { items: [1, 2, 3] }, body: '' };
    const b = { status: 200, json: { items: [] }, body: '' };
    assert.notEqual(signatureOf(a), signatureOf(b));
    assert.equal(carriesData({ id: 1, email: 'a@example.com' }, { id: 1, email: 'a@example.com' }), true);
    assert.equal(carriesData({ id: 1, email: 'a@example.com' }, { id: 1, error: 'not found' }), false);
  });
});

describe('resource-consumption verdict', () => {
  it('needs the fastest large answer to be slow and to outgrow the length ratio with a margin', () => {
    // Quadratic: 4× the input, 16× the time.
    assert.equal(superLinear([30, 31, 33], [480, 500, 900], 4), true);
    // Linear work on a slow machine: 4× the input, at most 4× the time.
    assert.equal(superLinear([60, 61, 62], [240, 250, 260], 4), false);
    assert.equal(superLinear([40, 41, 42], [200, 230, 220], 4), false);
    // One pause on a busy machine among the large requests is not growth.
    assert.equal(superLinear([5, 5, 6], [900, 12, 14], 4), false);
    // Pauses among the small requests do not hide real growth: their fastest answer counts.
    assert.equal(superLinear([400, 20, 380], [700, 650, 720], 1.2), true);
    // Fast answers never count, whatever the ratio.
    assert.equal(superLinear([1, 1, 1], [90, 95, 99], 4), false);
  });
});
