// The benchmark's output: a table of runs, ratios of each subject target to the references, JSON.
import type { Measurement } from './load.ts';

/** One target × scenario cell: measured, or failed with a reason. */
export interface RunRecord {
  readonly target: string;
  readonly scenario: string;
  readonly measurement?: Measurement;
  readonly error?: string;
}

/** A subject target divided by a reference target, for one scenario. */
export interface Ratio {
  readonly subject: string;
  readonly reference: string;
  readonly scenario: string;
  /** subject req/s ÷ reference req/s: 1 is as fast, 0.5 is half the throughput. */
  readonly throughput: number;
  /** subject p99 ÷ reference p99: 1 is the same tail latency, 2 is twice as slow at p99. */
  readonly p99: number;
  /** subject CPU per request ÷ reference CPU per request, when both are known. */
  readonly cpu: number | undefined;
}

/** Divides every subject's numbers by every reference's, scenario by scenario. */
export function computeRatios(
  records: readonly RunRecord[],
  references: readonly string[],
  subjects: readonly string[],
): Ratio[] {
  const ratios: Ratio[] = [];
  const find = (target: string, scenario: string) =>
    records.find((r) => r.target === target && r.scenario === scenario)?.measurement;
  const scenarios = [...new Set(records.map((r) => r.scenario))];
  for (const scenario of scenarios) {
    for (const subject of subjects) {
      const s = find(subject, scenario);
      if (s === undefined) continue;
      for (const reference of references) {
        const r = find(reference, scenario);
        if (r === undefined || r.requestsPerSecond === 0 || r.latencyP99Ms === 0) continue;
        ratios.push({
          subject,
          reference,
          scenario,
          throughput: round(s.requestsPerSecond / r.requestsPerSecond),
          p99: round(s.latencyP99Ms / r.latencyP99Ms),
          cpu:
            s.cpuMicrosPerRequest === undefined ||
            r.cpuMicrosPerRequest === undefined ||
            r.cpuMicrosPerRequest === 0
              ? undefined
              : round(s.cpuMicrosPerRequest / r.cpuMicrosPerRequest),
        });
      }
    }
  }
  return ratios;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A plain-text table with right-aligned numbers. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The runs table: req/s, p50, p99 and error counts per target and scenario. */
export function formatRuns(records: readonly RunRecord[]): string {
  const rows = records.map((r) => {
    const m = r.measurement;
    if (m === undefined) return [r.target, r.scenario, 'failed', '', '', '', firstLine(r.error)];
    const problems = m.non2xx + m.errors + m.timeouts;
    return [
      r.target,
      r.scenario,
      String(m.requestsPerSecond),
      m.latencyP50Ms.toFixed(2),
      m.latencyP99Ms.toFixed(2),
      m.cpuMicrosPerRequest === undefined ? '-' : String(m.cpuMicrosPerRequest),
      problems === 0 ? '0' : `${m.non2xx} non-2xx, ${m.errors} errors, ${m.timeouts} timeouts`,
    ];
  });
  return formatTable(['target', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'failures'], rows);
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n', 1)[0]!.slice(0, 120);
}

/** The ratios table. */
export function formatRatios(ratios: readonly Ratio[]): string {
  const rows = ratios.map((r) => [
    `${r.subject} / ${r.reference}`,
    r.scenario,
    r.throughput.toFixed(2),
    r.p99.toFixed(2),
    r.cpu === undefined ? '-' : r.cpu.toFixed(2),
  ]);
  return formatTable(['ratio', 'scenario', 'req/s ×', 'p99 ×', 'CPU/req ×'], rows);
}

/** Whether a measured run is trustworthy: every request answered 2xx. */
export function isClean(measurement: Measurement): boolean {
  return measurement.non2xx === 0 && measurement.errors === 0 && measurement.timeouts === 0;
}
