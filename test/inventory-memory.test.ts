// The inventory's memory stays within its caps under 100 000 distinct random paths (each with a
// random query parameter): endpoints, tree nodes and parameters stop at their caps, everything that
// did not fit is counted, and the heap the learner retains is reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Learner } from '../src/inventory/learner.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A deterministic generator (mulberry32), so every run sends the same paths. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function word(next: () => number, letters: boolean): string {
  const alphabet = letters ? 'abcdefghijklmnopqrstuvwxyz' : 'abcdefghijklmnopqrstuvwxyz0123456789-';
  let out = '';
  const length = 4 + Math.floor(next() * 8);
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

describe('inventory memory', () => {
  const measure = (
    t: { diagnostic(message: string): void },
    label: string,
    pathOf: (next: () => number) => string,
  ) => {
    const next = random(17);
    gc();
    const before = process.memoryUsage().heapUsed;
    const learner = new Learner({ maxEndpoints: 2000, maxParameters: 20_000 });
    const paths = new Set<string>();
    for (let i = 0; paths.size < 100_000; i++) {
      const path = pathOf(next);
      if (paths.has(path)) continue;
      paths.add(path);
      learner.learn({
        time: i,
        method: next() < 0.8 ? 'GET' : 'POST',
        path,
        rawQuery: `${word(next, true)}=${i}`,
        status: 200,
        durationMs: 1,
        requestHeaders: { [`x-${word(next, true)}`]: 'v' },
      });
    }
    paths.clear();
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    const stats = learner.stats();
    t.diagnostic(
      `${label}: 100000 distinct paths → ${stats.endpoints} endpoints, ${stats.treeNodes} tree nodes, ` +
        `${stats.pendingParameters} parameters held; dropped ${stats.dropped.endpoints} exchanges and ` +
        `${stats.dropped.params} parameters; heap retained ${(retained / 1024 / 1024).toFixed(1)} MiB`,
    );
    assert.ok(stats.endpoints <= 2000);
    assert.ok(stats.treeNodes <= 20_000);
    assert.ok(stats.pendingParameters <= 20_000);
    const learned = learner.pending().reduce((n, e) => n + e.count, 0);
    assert.equal(
      learned + stats.dropped.endpoints,
      100_000,
      'every exchange is learned or counted as dropped',
    );
    // The caps bound the heap whatever the traffic; 64 MiB is far above what they allow.
    assert.ok(retained < 64 * 1024 * 1024, `retained ${retained} bytes`);
    return stats;
  };

  it('collapses random segments into parameters and stays small under 100k distinct random paths', (t) => {
    const stats = measure(t, 'random segments', (next) => {
      const depth = 1 + Math.floor(next() * 4);
      let path = '';
      for (let d = 0; d < depth; d++) path += `/${word(next, next() < 0.5)}`;
      return path;
    });
    assert.ok(stats.endpoints < 100);
    // 100 000 random query and header names: the endpoints' caps refuse most, and count them.
    assert.ok(stats.dropped.params > 0);
  });

  it('holds the endpoint and node caps when the paths cannot be templated', (t) => {
    // 40 words on 3 or 4 levels: too few siblings per node to collapse, 2.6 million distinct paths.
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const vocabulary = Array.from(
      { length: 40 },
      (_, i) => `w${letters[i % 26]}${letters[Math.floor(i / 26)]}`,
    );
    const stats = measure(t, 'literal words', (next) => {
      const depth = 3 + Math.floor(next() * 2);
      let path = '';
      for (let d = 0; d < depth; d++) path += `/${vocabulary[Math.floor(next() * vocabulary.length)]}`;
      return path;
    });
    assert.equal(stats.endpoints, 2000);
    assert.ok(stats.dropped.endpoints > 0);
  });
});
