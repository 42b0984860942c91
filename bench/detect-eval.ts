// Evaluates the threat-detection engine on the labelled corpus (shared/corpus): detection rate per
// attack file and false-positive rate per benign file, per placement, plus speed.
//   npx node bench/detect-eval.ts [--corpus DIR] [--paranoia N] [--threshold N] [--json FILE] [--misses FILE|all] [--false FILE|real|all] [--inert FILE|all]
// Over HTTP (bench/detect-http.ts), against any gateway on 127.0.0.1 in front of an upstream answering 200:
//   npx node bench/detect-eval.ts --target http://127.0.0.1:PORT [--sample N] [--concurrency N]
// Side by side, Rampart's detect policy (paranoia 1 and 2) and, with --modsecurity, nginx + ModSecurity
// v3 + OWASP CRS (PL1 and PL2, installed and run by bench/modsecurity/setup.sh):
//   npx node bench/detect-eval.ts --compare [--modsecurity] [--sample N] [--concurrency N]
import { join, resolve } from 'node:path';
import { readCorpus } from './detect-corpus.ts';
import { formatHttpTable, runHttpEval } from './detect-http.ts';

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const corpus = resolve(option('--corpus') ?? join(import.meta.dirname, '../../shared/corpus'));
const paranoia = Number(option('--paranoia') ?? 1);
const threshold = option('--threshold') === undefined ? undefined : Number(option('--threshold'));
const jsonOut = args.includes('--json') ? (option('--json') ?? 'detect-eval.json') : undefined;
const showMisses = option('--misses');
const showInert = option('--inert');
const showFalse = option('--false');
const sample = option('--sample') === undefined ? undefined : Number(option('--sample'));
const concurrency = Number(option('--concurrency') ?? 16);
const target = option('--target');
const compare = args.includes('--compare') || args.includes('--modsecurity');

/** Sends the corpus to one gateway given by --target and prints its table. */
async function evaluateTarget(url: string): Promise<void> {
  const attacks = readCorpus(corpus, 'attacks', sample);
  const benign = readCorpus(corpus, 'benign', sample);
  const started = Date.now();
  const results = await runHttpEval(url, [...attacks, ...benign], {
    concurrency,
    onProgress: (done, total) => process.stderr.write(`  ${done}/${total}\r`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`${url} (${seconds} s): share of requests answered 403 per file and placement`);
  console.log(
    formatHttpTable(
      '\nDetection (attacks)',
      results,
      attacks.map((f) => f.label),
    ),
  );
  console.log(
    formatHttpTable(
      '\nFalse positives (benign)',
      results,
      benign.map((f) => f.label),
    ),
  );
}

if (target !== undefined) await evaluateTarget(target);
else if (compare) {
  const { runComparison } = await import('./detect-compare.ts');
  const { FAMILY_ATTACKS, FAMILY_BENIGN } = await import('./detect-families.ts');
  // The families the corpus lacks (own payloads) and their look-alikes go along, whole.
  const families = Object.entries(FAMILY_ATTACKS).map(([label, lines]) => ({ label: `new:${label}`, lines }));
  await runComparison({
    attacks: [...readCorpus(corpus, 'attacks', sample), ...families],
    benign: [...readCorpus(corpus, 'benign', sample), { label: 'new:look-alikes', lines: FAMILY_BENIGN }],
    concurrency,
    paranoias: [1, 2],
    modsecurity: args.includes('--modsecurity'),
  });
} else {
  const { evaluateInProcess } = await import('./detect-eval-inprocess.ts');
  evaluateInProcess({ corpus, paranoia, threshold, jsonOut, showMisses, showInert, showFalse });
}
