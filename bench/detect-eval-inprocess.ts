// The detection eval in process: detection per attack family and false positives per benign set,
// each in the eight placements of issue 13, plus the real-traffic benign set and speed.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDetector, inputsFromBody, thresholdFor } from '../src/detect/index.ts';
import { readLines } from './detect-corpus.ts';
import { FAMILY_ATTACKS, FAMILY_BENIGN } from './detect-families.ts';
import { splitInert } from './detect-inert.ts';
import { inputsFor, PLACEMENT_NOTES, PLACEMENTS, type Placement } from './detect-placements.ts';
import { DOCUMENTS_SET, realTraffic } from './detect-real-traffic.ts';

export interface InProcessOptions {
  readonly corpus: string;
  readonly paranoia: number;
  /** The blocking threshold; default by paranoia level. */
  readonly threshold: number | undefined;
  readonly jsonOut: string | undefined;
  /** Print the lines of this attack file (or `all`) missed in the query placement. */
  readonly showMisses: string | undefined;
  /** Print the lines of this attack file (or `all`) set aside as inert, with the rule that did. */
  readonly showInert: string | undefined;
  /** Print the lines of this benign file (or `all`) blocked in the query placement. */
  readonly showFalse: string | undefined;
}

/** A payload on a line of its own in a short document of prose. */
function inDocument(payload: string): string {
  return [
    '# Notes from the planning meeting',
    '',
    'We went through the release plan and the budget for the next quarter.',
    'Alice will send the slides; Bob collects the open questions.',
    '',
    payload,
    '',
    'Next meeting on Tuesday at 10:00.',
    'Thanks, Carol',
  ].join('\n');
}

interface Row {
  readonly file: string;
  /** The lines counted: an attack file's payload lines, without its inert ones. */
  readonly lines: number;
  /** Share blocked per placement; undefined when no line could be placed there. */
  readonly rates: Partial<Record<Placement, number>>;
  /** Attack files: how many inert lines were set aside, and the rates over all lines, inert ones included. */
  readonly inert?: { readonly lines: number; readonly rates: Partial<Record<Placement, number>> };
}

const pct = (x: number | undefined) => (x === undefined ? '     -' : `${(100 * x).toFixed(1).padStart(5)}%`);

/** A table of rates per row and placement; `inert` adds the column of lines set aside. */
function table(title: string, rows: readonly Row[], inert = false): string {
  const column = (r: { inert?: Row['inert'] }) => (inert ? String(r.inert?.lines ?? 0).padStart(6) : '');
  const out = [
    `\n${title}`,
    `${'set'.padEnd(26)}${'lines'.padStart(6)}${inert ? 'inert'.padStart(6) : ''}  ${PLACEMENTS.map((p) => p.padStart(9)).join('')}`,
  ];
  for (const r of rows)
    out.push(
      `${r.file.padEnd(26)}${String(r.lines).padStart(6)}${column(r)}  ${PLACEMENTS.map((p) => pct(r.rates[p]).padStart(9)).join('')}`,
    );
  const total = rows.reduce((s, r) => s + r.lines, 0);
  const overall: Partial<Record<Placement, number>> = {};
  for (const p of PLACEMENTS) {
    const counted = rows.filter((r) => r.rates[p] !== undefined);
    const n = counted.reduce((s, r) => s + r.lines, 0);
    if (n > 0) overall[p] = counted.reduce((s, r) => s + r.rates[p]! * r.lines, 0) / n;
  }
  const inertTotal = { lines: rows.reduce((s, r) => s + (r.inert?.lines ?? 0), 0), rates: {} };
  out.push(
    `${'overall'.padEnd(26)}${String(total).padStart(6)}${column({ inert: inertTotal })}  ${PLACEMENTS.map((p) => pct(overall[p]).padStart(9)).join('')}`,
  );
  return out.join('\n');
}

/** The same rows over all their lines, inert ones included (the rate before any line is set aside). */
function withInert(rows: readonly Row[]): Row[] {
  return rows.map((r) =>
    r.inert === undefined ? r : { file: r.file, lines: r.lines + r.inert.lines, rates: r.inert.rates },
  );
}

/** Runs the eval and prints its tables. */
export function evaluateInProcess(options: InProcessOptions): void {
  const { corpus, paranoia } = options;
  const threshold = options.threshold ?? thresholdFor(paranoia);
  const detector = createDetector({ paranoia, threshold });
  const slow: { ms: number; file: string; line: number; length: number }[] = [];

  /** Rates of one set; `inert` marks an attack file's lines set aside (counted only in `Row.inert`). */
  function rowOf(
    file: string,
    lines: readonly string[],
    attack: boolean,
    label: string,
    inert?: readonly boolean[],
  ): Row {
    const rates: Partial<Record<Placement, number>> = {};
    const allRates: Partial<Record<Placement, number>> = {};
    for (const placement of PLACEMENTS) {
      let hits = 0;
      let counted = 0;
      let inertHits = 0;
      let inertCounted = 0;
      lines.forEach((line, index) => {
        const inputs = inputsFor(line, placement);
        if (inputs === undefined) return;
        const start = performance.now();
        const result = detector.inspect(inputs);
        if (placement === 'query')
          slow.push({ ms: performance.now() - start, file, line: index + 1, length: line.length });
        if (inert?.[index] === true) {
          inertCounted++;
          if (result.blocked) inertHits++;
          return;
        }
        counted++;
        if (result.blocked) hits++;
        if (placement !== 'query') return;
        if (attack && !result.blocked && (options.showMisses === label || options.showMisses === 'all'))
          console.log('MISS', label, JSON.stringify(line).slice(0, 200));
        if (!attack && result.blocked && (options.showFalse === label || options.showFalse === 'all'))
          console.log(
            'FP',
            label,
            result.findings.map((f) => `${f.rule}:${f.score}`).join(','),
            JSON.stringify(line).slice(0, 220),
          );
      });
      if (counted > 0) rates[placement] = hits / counted;
      if (counted + inertCounted > 0) allRates[placement] = (hits + inertHits) / (counted + inertCounted);
    }
    const inertLines = inert?.filter(Boolean).length ?? 0;
    return inert === undefined
      ? { file: label, lines: lines.length, rates }
      : {
          file: label,
          lines: lines.length - inertLines,
          rates,
          inert: { lines: inertLines, rates: allRates },
        };
  }

  function corpusRows(dir: 'attacks' | 'benign'): Row[] {
    return readdirSync(join(corpus, dir))
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((name) => {
        const lines = readLines(join(corpus, dir, name));
        const label = name.replace('.txt', '');
        if (dir === 'benign') return rowOf(`${dir}/${name}`, lines, false, label);
        const { inert } = splitInert(lines);
        const aside = new Set(inert.map((i) => i.line));
        if (options.showInert === label || options.showInert === 'all')
          for (const i of inert) console.log('INERT', label, i.reason, JSON.stringify(i.line).slice(0, 200));
        return rowOf(
          `${dir}/${name}`,
          lines,
          true,
          label,
          lines.map((l) => aside.has(l)),
        );
      });
  }

  const attacks = corpusRows('attacks');
  // The same payloads inside a document (a JSON member of nine lines): what the `documents` level of
  // some rules costs, and what a payload loses when it sits among prose.
  const inDocuments: Row[] = readdirSync(join(corpus, 'attacks'))
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((name) => {
      const { payloads } = splitInert(readLines(join(corpus, 'attacks', name)));
      let blocked = 0;
      for (const line of payloads)
        if (
          detector.inspect(inputsFromBody(JSON.stringify({ body: inDocument(line) }), 'application/json'))
            .blocked
        )
          blocked++;
      return {
        file: name.replace('.txt', ''),
        lines: payloads.length,
        rates: { json: blocked / payloads.length },
      };
    });
  const families = Object.entries(FAMILY_ATTACKS).map(([family, lines]) =>
    rowOf(`families/${family}`, lines, true, family),
  );
  const benign = corpusRows('benign');
  benign.push(rowOf('families/benign', FAMILY_BENIGN, false, 'family-look-alikes'));

  // Real traffic: whole requests, each in its own placement; one row per set.
  const real = new Map<string, Map<Placement, { total: number; blocked: number }>>();
  for (const request of realTraffic(paranoia)) {
    const key = `${request.set}/${request.placement}`;
    const placements = real.get(request.set) ?? new Map<Placement, { total: number; blocked: number }>();
    const entry = placements.get(request.placement) ?? { total: 0, blocked: 0 };
    entry.total++;
    const result = detector.inspect(request.inputs);
    if (result.blocked) {
      entry.blocked++;
      if (options.showFalse === 'real' || options.showFalse === 'all')
        console.log(
          'FP',
          key,
          result.findings.map((f) => `${f.rule}:${f.score}@${f.location}`).join(','),
          request.shown.slice(0, 160),
        );
    }
    placements.set(request.placement, entry);
    real.set(request.set, placements);
  }
  const realRows: Row[] = [...real.entries()].map(([set, placements]) => ({
    file: set,
    lines: Math.max(...[...placements.values()].map((e) => e.total)),
    rates: Object.fromEntries([...placements].map(([placement, e]) => [placement, e.blocked / e.total])),
  }));

  console.log(
    `Rampart detect-eval: corpus ${corpus}, paranoia ${paranoia} (threshold ${threshold}), decision = blocked`,
  );
  console.log(PLACEMENT_NOTES);
  console.log(
    table(
      'Detection rate: corpus attack families (inert lines set aside, bench/detect-inert.ts)',
      attacks,
      true,
    ),
  );
  console.log(
    table('Detection rate: corpus attack families, all lines (inert ones counted)', withInert(attacks)),
  );
  console.log(
    table(
      'Detection rate: corpus attack families inside a document (a JSON member of nine lines)',
      inDocuments,
    ),
  );
  console.log(
    table('Detection rate: families the corpus lacks (own payloads, bench/detect-families.ts)', families),
  );
  console.log(table('False-positive rate: corpus benign sets and family look-alikes', benign));
  console.log(
    table('False-positive rate: real API traffic (whole requests, in their own placement)', realRows),
  );
  // Requests apart from whole documents (a README uploaded or posted as a JSON member), whose
  // rate is its own line: a document gathers the code and markup a line of prose rarely holds.
  const count = (sets: string[]) => {
    let total = 0;
    let blocked = 0;
    for (const set of sets)
      for (const e of real.get(set)?.values() ?? []) {
        total += e.total;
        blocked += e.blocked;
      }
    return `${blocked} of ${total} (${pct(total === 0 ? 0 : blocked / total).trim()})`;
  };
  const requestSets = [...real.keys()].filter((set) => set !== DOCUMENTS_SET);
  console.log(
    `real traffic: requests blocked ${count(requestSets)}; whole documents blocked ${count([DOCUMENTS_SET])}`,
  );

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
  for (const unit of [
    "'",
    '"',
    '(',
    '<',
    '<a ',
    '%25',
    '${',
    '../',
    '&#',
    '\\u',
    '; ',
    '{{',
    '*)(',
    '<?',
    '#{',
    '+AD',
    'chr(',
  ]) {
    const value = unit.repeat(Math.ceil(1_000_000 / unit.length));
    start = performance.now();
    big.inspect([{ location: 'body', value, kind: 'body' }]);
    const ms = performance.now() - start;
    adversarial[unit] = ms;
    console.log(
      `  1 MB of ${JSON.stringify(unit).padEnd(8)} ${ms.toFixed(0).padStart(6)} ms  (${(1000 / ms).toFixed(1)} MB/s)`,
    );
  }

  if (options.jsonOut !== undefined) {
    writeFileSync(
      options.jsonOut,
      `${JSON.stringify({ corpus, paranoia, attacks, families, benign, real: realRows, slowest: slow.slice(0, 20), throughput: { jsonMBs, adversarialMs: adversarial } }, null, 2)}\n`,
    );
    console.log(`\nwrote ${options.jsonOut}`);
  }
}
