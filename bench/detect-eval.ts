// Evaluates the threat-detection engine on the labelled corpus (shared/corpus): detection rate per
// attack file and false-positive rate per benign file, per placement, plus speed.
//   npx node bench/detect-eval.ts [--corpus DIR] [--paranoia N] [--json FILE] [--misses CATEGORY]
// Over HTTP (bench/detect-http.ts), against any gateway on 127.0.0.1 in front of an upstream answering 200:
//   npx node bench/detect-eval.ts --target http://127.0.0.1:PORT [--sample N] [--concurrency N]
// Side by side, Rampart's detect policy (paranoia 1 and 2) and, with --modsecurity, nginx + ModSecurity
// v3 + OWASP CRS (PL1 and PL2, installed and run by bench/modsecurity/setup.sh):
//   npx node bench/detect-eval.ts --compare [--modsecurity] [--sample N] [--concurrency N]
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createDetector,
  type Input,
  inputsFromBody,
  inputsFromHeaders,
  inputsFromQuery,
} from '../src/detect/index.ts';
import { readCorpus, readLines } from './detect-corpus.ts';
import { formatHttpTable, runHttpEval } from './detect-http.ts';

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const corpus = resolve(option('--corpus') ?? join(import.meta.dirname, '../../shared/corpus'));
const paranoia = Number(option('--paranoia') ?? 1);
const jsonOut = args.includes('--json') ? (option('--json') ?? 'detect-eval.json') : undefined;
const showMisses = option('--misses');
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
  await runComparison({
    attacks: readCorpus(corpus, 'attacks', sample),
    benign: readCorpus(corpus, 'benign', sample),
    concurrency,
    paranoias: [1, 2],
    modsecurity: args.includes('--modsecurity'),
  });
} else evaluateInProcess();

/** The engine in process: detection and false positives per file and placement, speed. */
function evaluateInProcess(): void {
  const detector = createDetector({ paranoia });

  type Placement = 'query' | 'json' | 'header' | 'native';
  const PLACEMENTS: readonly Placement[] = ['query', 'json', 'header', 'native'];

  /** How a line reaches the engine in each placement. */
  function inputsFor(line: string, placement: Placement): Input[] {
    switch (placement) {
      case 'query':
        return inputsFromQuery(`q=${encodeURIComponent(line)}`);
      case 'json':
        return inputsFromBody(JSON.stringify({ q: line }), 'application/json', { screenJson: true });
      case 'header':
        return inputsFromHeaders({ 'user-agent': line });
      case 'native': {
        const trimmed = line.trim();
        if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && isJson(trimmed))
          return inputsFromBody(trimmed, 'application/json', { screenJson: true });
        if (trimmed.startsWith('<')) return inputsFromBody(line, 'application/xml');
        if (/^[\w.$[\]-]+=[^\s]*$/.test(trimmed) && trimmed.length < 2000) return inputsFromQuery(trimmed);
        return inputsFromQuery(`q=${encodeURIComponent(line)}`);
      }
    }
  }

  function isJson(text: string): boolean {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  }

  interface Row {
    file: string;
    lines: number;
    rates: Record<Placement, number>;
  }

  const slow: { ms: number; file: string; line: number; length: number }[] = [];

  function evaluate(dir: string, attack: boolean): Row[] {
    const rows: Row[] = [];
    for (const name of readdirSync(join(corpus, dir))
      .filter((f) => f.endsWith('.txt'))
      .sort()) {
      const lines = readLines(join(corpus, dir, name));
      const rates = {} as Record<Placement, number>;
      for (const placement of PLACEMENTS) {
        let hits = 0;
        let counted = 0;
        lines.forEach((line, index) => {
          // HTTP forbids CR, LF and NUL in a field value (RFC 9110 §5.5): such lines cannot be a header.
          if (placement === 'header' && /[\r\n\0]/.test(line)) return;
          counted++;
          const start = performance.now();
          const result = detector.inspect(inputsFor(line, placement));
          const ms = performance.now() - start;
          if (placement === 'query')
            slow.push({ ms, file: `${dir}/${name}`, line: index + 1, length: line.length });
          if (result.blocked) hits++;
          const label = name.replace('.txt', '');
          if (placement === 'query' && attack && !result.blocked && showMisses === label)
            console.log('MISS', JSON.stringify(line).slice(0, 200));
          if (
            placement === 'query' &&
            !attack &&
            result.blocked &&
            (showFalse === label || showFalse === 'all')
          ) {
            console.log(
              'FP',
              label,
              result.findings.map((f) => `${f.rule}:${f.score}`).join(','),
              JSON.stringify(line).slice(0, 220),
            );
          }
        });
        rates[placement] = counted === 0 ? 0 : hits / counted;
      }
      rows.push({ file: name.replace('.txt', ''), lines: lines.length, rates });
    }
    return rows;
  }

  const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)}%`;
  function table(title: string, rows: Row[]): void {
    console.log(`\n${title}`);
    console.log(
      `${'file'.padEnd(28)}${'lines'.padStart(6)}  ${PLACEMENTS.map((p) => p.padStart(7)).join(' ')}`,
    );
    for (const r of rows)
      console.log(
        `${r.file.padEnd(28)}${String(r.lines).padStart(6)}  ${PLACEMENTS.map((p) => pct(r.rates[p]).padStart(7)).join(' ')}`,
      );
    const total = rows.reduce((s, r) => s + r.lines, 0);
    const overall = Object.fromEntries(
      PLACEMENTS.map((p) => [p, rows.reduce((s, r) => s + r.rates[p] * r.lines, 0) / total]),
    ) as Record<Placement, number>;
    console.log(
      `${'overall'.padEnd(28)}${String(total).padStart(6)}  ${PLACEMENTS.map((p) => pct(overall[p]).padStart(7)).join(' ')}`,
    );
  }

  const attacks = evaluate('attacks', true);
  const benign = evaluate('benign', false);
  console.log(
    `Rampart detect-eval: corpus ${corpus}, paranoia ${paranoia}, decision = blocked (score >= threshold)`,
  );
  console.log(
    'placements: query = value of ?q=, json = string value of {"q": …}, header = User-Agent (lines with CR/LF/NUL skipped),',
  );
  console.log(
    '            native = JSON body if the line is JSON, XML body if it starts with <, raw query string if it is name=value (name of word chars, [], ., $), else query value',
  );
  table('Detection rate (attacks)', attacks);
  table('False-positive rate (benign)', benign);

  slow.sort((a, b) => b.ms - a.ms);
  const at = (q: number) => slow[Math.floor((slow.length - 1) * (1 - q))]?.ms ?? 0;
  console.log(
    `\nPer inspection (query placement, ${slow.length} lines): p50 ${at(0.5).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms`,
  );
  console.log('Slowest inputs (query placement; single outliers are usually GC pauses):');
  for (const s of slow.slice(0, 5))
    console.log(`  ${s.ms.toFixed(2)} ms  ${s.file}:${s.line} (${s.length} chars)`);

  // Throughput on benign JSON bodies and on adversarial megabyte inputs.
  const documents = readLines(join(corpus, 'benign', 'json-documents.txt'));
  const body = `[${documents.join(',')}]`;
  const bodyBytes = Buffer.byteLength(body);
  const big = createDetector({ paranoia, budgetBytes: 64 * 1024 * 1024 });
  let start = performance.now();
  const rounds = 5;
  for (let i = 0; i < rounds; i++)
    big.inspect(inputsFromBody(body, 'application/json', { screenJson: true }));
  const jsonMBs = (bodyBytes * rounds) / 1e6 / ((performance.now() - start) / 1000);
  console.log(
    `\nThroughput: benign JSON body ${(bodyBytes / 1e6).toFixed(2)} MB: ${jsonMBs.toFixed(1)} MB/s`,
  );
  const adversarial: Record<string, number> = {};
  for (const [label, unit] of [
    ["'", "'"],
    ['"', '"'],
    ['(', '('],
    ['<', '<'],
    ['<a ', '<a '],
    ['%25', '%25'],
    ['${', '${'],
    ['../', '../'],
    ['&#', '&#'],
    ['\\u', '\\u'],
    ['; ', '; '],
    ['{{', '{{'],
    ['*)(', '*)('],
  ] as const) {
    const value = unit.repeat(Math.ceil(1_000_000 / unit.length));
    start = performance.now();
    big.inspect([{ location: 'body', value, kind: 'body' }]);
    const ms = performance.now() - start;
    adversarial[label] = ms;
    console.log(
      `  1 MB of ${JSON.stringify(label).padEnd(8)} ${ms.toFixed(0).padStart(6)} ms  (${(1000 / ms).toFixed(1)} MB/s)`,
    );
  }

  if (jsonOut !== undefined) {
    writeFileSync(
      jsonOut,
      `${JSON.stringify({ corpus, paranoia, attacks, benign, slowest: slow.slice(0, 20), throughput: { jsonMBs, adversarialMs: adversarial } }, null, 2)}\n`,
    );
    console.log(`\nwrote ${jsonOut}`);
  }
}
