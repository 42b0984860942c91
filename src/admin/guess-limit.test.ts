import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeClock } from '../../test/helpers/context.ts';
import { createGuessLimit } from './guess-limit.ts';

test('locks an address out after too many wrong tokens in the window, then lets it try again', () => {
  const clock = fakeClock();
  const limit = createGuessLimit({ clock, maxFailures: 3, windowMs: 60_000, lockMs: 300_000 });
  limit.failed('10.0.0.1');
  limit.failed('10.0.0.1');
  assert.equal(limit.lockedFor('10.0.0.1'), 0);
  limit.failed('10.0.0.1');
  assert.equal(limit.lockedFor('10.0.0.1'), 300_000);
  assert.equal(limit.lockedFor('10.0.0.2'), 0, 'another address is not affected');
  clock.advance(300_000);
  assert.equal(limit.lockedFor('10.0.0.1'), 0);
});

test('counts failures per window and forgets the oldest address past its bound', () => {
  const clock = fakeClock();
  const limit = createGuessLimit({ clock, maxFailures: 2, windowMs: 1_000, maxAddresses: 2 });
  limit.failed('a');
  clock.advance(1_000);
  limit.failed('a');
  assert.equal(limit.lockedFor('a'), 0, 'failures in different windows do not add up');
  limit.failed('b');
  limit.failed('c');
  limit.failed('a');
  assert.equal(limit.lockedFor('a'), 0, "'a' was forgotten when 'c' came");
});
