import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAdminSessions, SESSION_TOKEN_PREFIX } from './sessions.ts';

function clockAt(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const secrets = { write: 'admin-token-0123456789', read: 'read-token-0123456789' };

describe('admin sessions', () => {
  it('opens a session with its scope and recognises its token until it ends', () => {
    const clock = clockAt(1_000_000);
    const sessions = createAdminSessions({ secrets, clock, idleMs: 60_000, maxAgeMs: 600_000 });
    const { token, session } = sessions.open('read');
    assert.ok(token.startsWith(SESSION_TOKEN_PREFIX));
    assert.deepEqual(session, { scope: 'read', idleExpiresAt: 1_060_000, expiresAt: 1_600_000 });
    assert.equal(sessions.touch(token)?.scope, 'read');
    assert.equal(sessions.touch(`${token}x`), undefined);
    assert.equal(sessions.touch('someone-elses-token'), undefined);
  });

  it('is accepted by another process with the same tokens (workers), not after the token changed', () => {
    const clock = clockAt(0);
    const { token } = createAdminSessions({ secrets, clock }).open('write');
    assert.equal(createAdminSessions({ secrets, clock }).touch(token)?.scope, 'write');
    const rotated = createAdminSessions({ secrets: { ...secrets, write: 'a-new-admin-token' }, clock });
    assert.equal(rotated.touch(token), undefined);
  });

  it('cannot be forged: a changed scope or time breaks the signature', () => {
    const clock = clockAt(0);
    const sessions = createAdminSessions({ secrets, clock });
    const { token } = sessions.open('read');
    const [body, mac] = token.slice(SESSION_TOKEN_PREFIX.length).split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, s: 'write' })).toString('base64url');
    assert.equal(sessions.touch(`${SESSION_TOKEN_PREFIX}${forged}.${mac}`), undefined);
    const later = Buffer.from(JSON.stringify({ ...payload, i: 10 ** 12 })).toString('base64url');
    assert.equal(sessions.touch(`${SESSION_TOKEN_PREFIX}${later}.${mac}`), undefined);
  });

  it('ends a session left idle; renewing pushes the idle end back', () => {
    const clock = clockAt(0);
    const sessions = createAdminSessions({ secrets, clock, idleMs: 60_000, maxAgeMs: 600_000 });
    let { token } = sessions.open('write');
    clock.advance(59_000);
    const renewed = sessions.renew(token)!;
    assert.equal(renewed.session.idleExpiresAt, 119_000);
    token = renewed.token;
    clock.advance(59_000);
    assert.ok(sessions.touch(token));
    clock.advance(2_000);
    assert.equal(sessions.touch(token), undefined);
    assert.equal(sessions.renew(token), undefined, 'an ended session cannot be renewed');
  });

  it('ends a session at its maximum age however often it is renewed', () => {
    const clock = clockAt(0);
    const sessions = createAdminSessions({ secrets, clock, idleMs: 60_000, maxAgeMs: 150_000 });
    let { token } = sessions.open('write');
    for (let i = 0; i < 2; i++) {
      clock.advance(50_000);
      token = sessions.renew(token)!.token;
    }
    assert.equal(sessions.touch(token)?.idleExpiresAt, 150_000, 'never past the maximum age');
    clock.advance(50_000);
    assert.equal(sessions.touch(token), undefined);
  });

  it('ends a session when asked, its renewed tokens included', () => {
    const clock = clockAt(0);
    const sessions = createAdminSessions({ secrets, clock });
    const { token } = sessions.open('read');
    const renewed = sessions.renew(token)!.token;
    assert.equal(sessions.close(token), true);
    assert.equal(sessions.close(token), false);
    assert.equal(sessions.touch(renewed), undefined);
    assert.ok(sessions.touch(sessions.open('read').token), 'other sessions live on');
  });
});
