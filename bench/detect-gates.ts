// Proves the detection engine's gates (src/detect/gates.ts) change no verdict: the engine with and
// without them over the whole corpus in every placement, our families' payloads, the real-traffic
// set and the benchmark bodies, at paranoia 1–4; exits 1 on any difference.
//   node bench/detect-gates.ts [--corpus DIR] [--sample N]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  benchCases,
  corpusCases,
  familyCases,
  type GateCase,
  gateDifferences,
  gateLeaks,
  realTrafficCases,
} from './detect-gates-check.ts';

const { values } = parseArgs({
  options: { corpus: { type: 'string' }, sample: { type: 'string' } },
});
const corpus = resolve(values.corpus ?? join(import.meta.dirname, '../../shared/corpus'));
const sample = values.sample === undefined ? undefined : Number(values.sample);

const sets: [string, () => Iterable<GateCase>][] = [
  ['corpus', () => corpusCases(corpus, sample)],
  ['families', familyCases],
  ['real traffic', realTrafficCases],
  ['bench bodies', benchCases],
];
let failed = false;
for (const [name, cases] of sets) {
  const started = performance.now();
  const { compared, differences } = gateDifferences(cases());
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${name}: ${compared} requests × engine with/without gates, ${differences.length} differences (${seconds} s)`,
  );
  for (const d of differences.slice(0, 20)) {
    console.log(`  ${d.set} P${d.paranoia}: ${JSON.stringify(d.shown.slice(0, 120))}`);
    console.log(`    gated:   ${d.gated}\n    ungated: ${d.ungated}`);
  }
  if (differences.length > 0) failed = true;
}

// Each gate against its own detector, value by value.
for (const [name, cases] of sets) {
  const started = performance.now();
  const { values, leaks } = gateLeaks(cases());
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${name}: ${values} values, ${leaks.length} where a closed gate hid a finding (${seconds} s)`);
  for (const l of leaks.slice(0, 20))
    console.log(`  ${l.category} (${l.kind}) ${l.rules.join(',')}: ${JSON.stringify(l.value.slice(0, 120))}`);
  if (leaks.length > 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
