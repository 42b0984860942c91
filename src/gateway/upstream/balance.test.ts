import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Balanced, createLeastRequest, pickRoundRobin } from './balance.ts';

const targets = (...weights: number[]) =>
  weights.map((weight, i) => ({ name: String.fromCharCode(97 + i), weight, inFlight: 0, credit: 0 }));

describe('balancing', () => {
  test('round-robin spreads by weight, smoothly, and equally without weights', () => {
    const weighted = targets(1, 2, 3);
    const picks = Array.from({ length: 12 }, () => pickRoundRobin(weighted).name).join('');
    assert.equal(picks, 'cbacbccbacbc');
    const equal = targets(1, 1, 1);
    assert.equal(Array.from({ length: 6 }, () => pickRoundRobin(equal).name).join(''), 'abcabc');
  });

  test('round-robin over a changing set of candidates keeps the proportions of those present', () => {
    const all = targets(1, 1, 2);
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const candidates = i % 2 === 0 ? all : all.slice(1);
      const picked = pickRoundRobin(candidates).name;
      counts.set(picked, (counts.get(picked) ?? 0) + 1);
    }
    // Never starves anyone, never exceeds its share by more than a pick or two.
    assert.ok((counts.get('a') ?? 0) > 0);
    assert.ok((counts.get('c') ?? 0) > (counts.get('b') ?? 0));
  });

  test('least-request picks the least loaded per weight and rotates among equals', () => {
    const pick = createLeastRequest();
    const [a, b, c] = targets(1, 1, 2) as [
      Balanced & { name: string },
      Balanced & { name: string },
      Balanced & { name: string },
    ];
    a.inFlight = 3;
    b.inFlight = 1;
    c.inFlight = 3; // 1.5 per unit of weight
    assert.equal(pick([a, b, c]).name, 'b');
    b.inFlight = 3;
    assert.equal(pick([a, b, c]).name, 'c');
    const idle = targets(1, 1, 1);
    assert.equal(
      Array.from({ length: 3 }, () => pick(idle).name)
        .sort()
        .join(''),
      'abc',
    );
  });
});
