import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEjected, newOutlierState, recordOutcome } from './outlier.ts';

const options = { consecutiveFailures: 3, ejectionMs: 1000, maxEjectionPercent: 50 };

describe('outlier ejection', () => {
  test('ejects after consecutive failures, for longer each time in a row, and lets it back after', () => {
    const states = [newOutlierState(), newOutlierState(), newOutlierState(), newOutlierState()];
    const [a] = states as [ReturnType<typeof newOutlierState>];
    assert.equal(recordOutcome(options, a, states, true, 0), undefined);
    assert.equal(recordOutcome(options, a, states, false, 0), undefined); // a success breaks the streak
    recordOutcome(options, a, states, true, 0);
    recordOutcome(options, a, states, true, 0);
    assert.equal(recordOutcome(options, a, states, true, 0), 'ejected');
    assert.equal(isEjected(a, 999), true);
    assert.equal(isEjected(a, 1000), false);
    for (let i = 0; i < 3; i++) recordOutcome(options, a, states, true, 1000);
    assert.equal(isEjected(a, 2999), true, 'second ejection in a row lasts twice as long');
    assert.equal(isEjected(a, 3000), false);
    assert.equal(recordOutcome(options, a, states, false, 3000), 'returned');
    for (let i = 0; i < 3; i++) recordOutcome(options, a, states, true, 3000);
    assert.equal(isEjected(a, 3999), true);
    assert.equal(isEjected(a, 4000), false, 'a success reset the streak of ejections');
  });

  test('never ejects more than the allowed share of targets', () => {
    const states = [newOutlierState(), newOutlierState(), newOutlierState(), newOutlierState()];
    const eject = (i: number) => {
      let event: string | undefined;
      for (let n = 0; n < 3; n++) event = recordOutcome(options, states[i]!, states, true, 0);
      return event;
    };
    assert.equal(eject(0), 'ejected');
    assert.equal(eject(1), 'ejected');
    assert.equal(eject(2), undefined, '50% of 4 are out already');
    assert.equal(isEjected(states[2]!, 0), false);
  });
});
