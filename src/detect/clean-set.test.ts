import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCleanSet } from './clean-set.ts';

describe('createCleanSet', () => {
  test('remembers up to two generations, then forgets the oldest', () => {
    const set = createCleanSet(2);
    for (const key of ['a', 'b', 'c', 'd', 'e']) set.add(key);
    // Generations: [a b] → [c d] → [e]; a and b are gone.
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e'].map((key) => set.has(key)),
      [false, false, true, true, true],
    );
  });

  test('a key found in the older generation moves up and outlives the others', () => {
    const set = createCleanSet(2);
    set.add('keep');
    set.add('x');
    set.add('y'); // [keep x] is now the older generation
    assert.equal(set.has('keep'), true); // moved to the recent one: [y keep]
    set.add('z'); // [y keep] older, [z] recent
    set.add('w');
    assert.equal(set.has('keep'), true);
    assert.equal(set.has('x'), false);
  });
});
