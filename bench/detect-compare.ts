// Rampart's `detect` policy side by side with nginx + ModSecurity v3 + OWASP CRS over HTTP: the same
// corpus requests against each, one table of detection and false-positive rates per category.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CorpusFile } from './detect-corpus.ts';
import {
  type Counts,
  formatHttpTable,
  HTTP_PLACEMENTS,
  type HttpResults,
  rateOf,
  runHttpEval,
} from './detect-http.ts';
import { modsecurityTarget } from './modsecurity/nginx.ts';
import { freePort } from './ports.ts';
import { startService, stopAllServices } from './services.ts';
import { gatewayTarget, type Target } from './targets.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What to compare. */
export interface ComparisonOptions {
  readonly attacks: readonly CorpusFile[];
  readonly benign: readonly CorpusFile[];
  readonly concurrency: number;
  readonly paranoias: readonly number[];
  readonly modsecurity: boolean;
}

interface SystemResult {
  readonly name: string;
  readonly results: HttpResults | undefined;
  readonly error?: string;
}

/** The Rampart gateway with only `detect` on its catch-all route. */
export function rampartDetectTarget(paranoia: number): Target {
  return gatewayTarget({
    name: `rampart-detect-p${paranoia}`,
    description: `Rampart, detect policy at paranoia ${paranoia}`,
    accessLog: false,
    policies: { detect: { paranoia } },
  });
}

/** Starts the upstream, then each system in turn, sends the corpus, and prints the tables. */
export async function runComparison(options: ComparisonOptions): Promise<SystemResult[]> {
  const workDir = mkdtempSync(join(tmpdir(), 'rampart-detect-compare-'));
  const upstreamPort = await freePort();
  const upstream = await startService({
    name: 'upstream',
    args: ['bench/upstream.ts', '--port', String(upstreamPort)],
    cwd: repoRoot,
    logFile: join(workDir, 'upstream.log'),
    readyUrl: `http://127.0.0.1:${upstreamPort}/small`,
  });
  const ctx = {
    upstreamUrl: `http://127.0.0.1:${upstreamPort}`,
    upstreamPid: upstream.pid,
    workDir,
    repoRoot,
    nodeFlags: [],
  };
  const systems: { label: string; target: Target }[] = [
    ...options.paranoias.map((p) => ({ label: `Rampart P${p}`, target: rampartDetectTarget(p) })),
    ...(options.modsecurity
      ? options.paranoias.map((p) => ({ label: `CRS PL${p}`, target: modsecurityTarget(p) }))
      : []),
  ];
  const files = [...options.attacks, ...options.benign];
  const out: SystemResult[] = [];
  try {
    for (const { label, target } of systems) {
      const started = Date.now();
      let running: Awaited<ReturnType<Target['start']>>;
      try {
        running = await target.start(ctx);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        process.stdout.write(`\n✗ ${label} did not start, skipped: ${message}\n`);
        out.push({ name: label, results: undefined, error: message });
        continue;
      }
      try {
        process.stderr.write(`${label}: sending the corpus to ${running.url}\n`);
        const results = await runHttpEval(running.url, files, {
          concurrency: options.concurrency,
          onProgress: (done, total) => process.stderr.write(`  ${label}: ${done}/${total}\r`),
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        process.stdout.write(
          `\n${label} (${seconds} s): share of requests answered 403 per file and placement\n`,
        );
        for (const [title, set] of [
          ['detection (attacks)', options.attacks],
          ['false positives (benign)', options.benign],
        ] as const) {
          process.stdout.write(
            `${formatHttpTable(
              title,
              results,
              set.map((f) => f.label),
            )}\n`,
          );
        }
        out.push({ name: label, results });
      } finally {
        await running.stop();
      }
    }
  } finally {
    await upstream.stop();
    await stopAllServices();
    rmSync(workDir, { recursive: true, force: true });
  }
  process.stdout.write(`\n${formatComparison(out, options)}\n`);
  return out;
}

function allCounts(results: HttpResults, labels: readonly string[]): Counts[] {
  return labels.flatMap((label) => {
    const row = results.get(label);
    return row === undefined ? [] : HTTP_PLACEMENTS.map((p) => row[p]);
  });
}

/** The side-by-side table: detection per attack category, false positives per benign file. */
export function formatComparison(systems: readonly SystemResult[], options: ComparisonOptions): string {
  const shown = systems.filter((s) => s.results !== undefined);
  const head = `${''.padEnd(26)}${'lines'.padStart(6)}${'inert'.padStart(6)}${shown.map((s) => s.name.padStart(13)).join('')}`;
  const inert = (files: readonly CorpusFile[]) => {
    const n = files.reduce((sum, f) => sum + (f.inert ?? 0), 0);
    return (files.some((f) => f.inert !== undefined) ? String(n) : '-').padStart(6);
  };
  const cell = (s: SystemResult, labels: readonly string[]) =>
    `${(100 * rateOf(allCounts(s.results!, labels))).toFixed(1)}%`.padStart(13);
  const rows = (files: readonly CorpusFile[]) =>
    files.map(
      (f) =>
        `  ${f.label.padEnd(24)}${String(f.lines.length).padStart(6)}${inert([f])}${shown.map((s) => cell(s, [f.label])).join('')}`,
    );
  const total = (files: readonly CorpusFile[], name: string) =>
    `  ${name.padEnd(24)}${String(files.reduce((n, f) => n + f.lines.length, 0)).padStart(6)}${inert(files)}${shown
      .map((s) =>
        cell(
          s,
          files.map((f) => f.label),
        ),
      )
      .join('')}`;
  const perPlacement = HTTP_PLACEMENTS.map((p) => {
    const share = (s: SystemResult, files: readonly CorpusFile[]) =>
      rateOf(
        files.flatMap((f) => {
          const row = s.results!.get(f.label);
          return row === undefined ? [] : [row[p]];
        }),
      );
    return `  ${p.padEnd(36)}${shown.map((s) => `${(100 * share(s, options.attacks)).toFixed(1)}/${(100 * share(s, options.benign)).toFixed(2)}`.padStart(13)).join('')}`;
  });
  return [
    `Side by side over HTTP (placements: ${HTTP_PLACEMENTS.join(', ')}; rate = 403 / (403 + 2xx), all placements pooled)`,
    'attack files without their inert lines (bench/detect-inert.ts; `inert` = lines set aside, before sampling)',
    head,
    'detection (attacks)',
    ...rows(options.attacks),
    total(options.attacks, 'overall'),
    'false positives (benign)',
    ...rows(options.benign),
    total(options.benign, 'overall'),
    'per placement: detection % / false-positive %',
    ...perPlacement,
    '',
    ...formatNotAhead(shown, options),
  ].join('\n');
}

/**
 * Every file × placement cell where Rampart at paranoia N is not ahead of CRS at PL N: attack cells
 * where its detection is lower or level (those where both block every line are only counted: nothing
 * to gain there), and benign cells where it blocks as much as CRS or more (cells where both block
 * nothing are left out).
 * Cells a system answered nothing but errors in (`-` in its table) are left out.
 */
export function formatNotAhead(systems: readonly SystemResult[], options: ComparisonOptions): string[] {
  const out = [
    'Cells where Rampart is not ahead of CRS (detection lower or level; false positives higher or level)',
  ];
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  for (const p of options.paranoias) {
    const ours = systems.find((s) => s.name === `Rampart P${p}`)?.results;
    const theirs = systems.find((s) => s.name === `CRS PL${p}`)?.results;
    if (ours === undefined || theirs === undefined) continue;
    const cells: string[] = [];
    let ceiling = 0;
    for (const [files, attack] of [
      [options.attacks, true],
      [options.benign, false],
    ] as const) {
      for (const file of files) {
        for (const placement of HTTP_PLACEMENTS) {
          const a = ours.get(file.label)?.[placement];
          const b = theirs.get(file.label)?.[placement];
          if (a === undefined || b === undefined) continue;
          if (a.blocked + a.passed === 0 || b.blocked + b.passed === 0) continue;
          const x = rateOf([a]);
          const y = rateOf([b]);
          const behind = attack ? x <= y : x >= y && x > 0;
          if (!behind) continue;
          if (attack && x === 1 && y === 1) {
            ceiling++;
            continue;
          }
          cells.push(
            `    ${attack ? 'detection' : 'false pos.'} ${file.label.padEnd(24)}${placement.padEnd(10)}${pct(x).padStart(7)} vs ${pct(y).padStart(7)}`,
          );
        }
      }
    }
    out.push(
      `  Rampart P${p} vs CRS PL${p}: ${cells.length} cells behind or level below 100%; ${ceiling} level at 100% (both block every line)`,
      ...cells,
    );
  }
  return out;
}
