import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAdminSessions, SESSION_TOKEN_PREFIX } from './sessions.ts';

function clockAt(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('admin sessions', () => {
  it('opens a session with its scope and recognises its token until it ends', () => {
    const clock = clockAt(1_000_000);
    const sessions = createAdminSessions({ clock, idleMs: 60_000, maxAgeMs: 600_000 });
    const { token, session } = sessions.open('read');
    assert.ok(token.startsWith(SESSION_TOKEN_PREFIX));
    assert.deepEqual(session, { scope: 'read', idleExpiresAt: 1_060_000, expiresAt: 1_600_000 });
    assert.equal(sessions.touch(token)?.scope, 'read');
    assert.equal(sessions.touch(`${token}x`), undefined);
    assert.equal(sessions.touch('someone-elses-token'), undefined);
  });

  it('ends a session left idle, and pushes the idle end back on each use', () => {
    const clock = clockAt(0);
    const sessions = createAdminSessions({ clock, idleMs: 60_000, maxAgeMs: 600_000 });
    const { token } = sessions.open('write');
    clock.advance(59_000);
    assert.equal(sessions.touch(token)?.idleExpiresAt, 119_000);
    clock.advance(59_000);
    assert.ok(sessions.touch(token));
    clock.advance(60_000);
    assert.equal(sessions.touch(token), undefined);
    assert.equal(sessions.size, 0);
  });

  it('ends a session at its maximum age however busy it is', () => {
    const clock = clockAt(0);
    const sessions = createAdminSessions({ clock, idleMs: 60_000, maxAgeMs: 150_000 });
    const { token } = sessions.open('write');
    clock.advance(50_000);
    sessions.touch(token);
    clock.advance(50_000);
    assert.equal(sessions.touch(token)?.idleExpiresAt, 150_000, 'never past the maximum age');
    clock.advance(50_000);
    assert.equal(sessions.touch(token), undefined);
  });

  it('ends a session when asked, and keeps at most `max`, ending the oldest', () => {
    const sessions = createAdminSessions({ max: 2 });
    const first = sessions.open('read');
    const second = sessions.open('read');
    assert.equal(sessions.close(second.token), true);
    assert.equal(sessions.close(second.token), false);
    sessions.open('write');
    sessions.open('write');
    assert.equal(sessions.size, 2);
    assert.equal(sessions.touch(first.token), undefined, 'the oldest made room');
  });
});
