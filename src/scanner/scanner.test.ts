// Unit tests of the scanner's pure parts: redaction, weak-key cracking, exposure and differentials.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { crackHs256 } from './checks/authentication.ts';
import { exposedMembers } from './checks/data-exposure.ts';
import { carriesData, signatureOf } from './compare.ts';
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

  it('finds an HS256 key from the wordlist and none for a strong key', () => {
    assert.equal(crackHs256(hs256('secret')), 'secret');
    assert.equal(crackHs256(hs256('f3a9c1d7e2b84a6f9c0d1e2f3a4b5c6d')), undefined);
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
