// Terminal output: findings by severity with their curl commands, then a per-check summary; and a
// progress bar that is drawn only on a TTY.
import type { ScanResult } from '../runner.ts';

/** Renders a scan result for a terminal (no colours, so it also reads in CI logs). */
export function toText(result: ScanResult): string {
  const out: string[] = [];
  for (const f of result.findings) {
    out.push(`[${f.severity.toUpperCase()}] ${f.title}`);
    out.push(`  ${f.operation} · ${f.owasp} · CWE-${f.cwe} · ${f.check}`);
    out.push(`  ${f.description}`);
    out.push(`  reproduce: ${f.curl}`);
    if (f.fix !== undefined)
      out.push(
        `  rampart fix (${f.fix.route.methods.join(',') || '*'} ${f.fix.route.path}): ${JSON.stringify(f.fix.policies)}`,
        ...(f.fix.also ?? []).map(
          (more) =>
            `    and (${more.route.methods.join(',') || '*'} ${more.route.path}): ${JSON.stringify(more.policies)}`,
        ),
      );
    out.push('');
  }
  out.push(`rampart scan ${result.version}, ${result.startedAt}, ${result.target}`);
  const severities = ['critical', 'high', 'medium', 'low', 'info'].map(
    (s) => `${result.findings.filter((f) => f.severity === s).length} ${s}`,
  );
  out.push(`severity: ${severities.join(', ')}`, '');
  out.push('check                  findings  requests  tested  skipped');
  for (const c of result.checks)
    out.push(
      `${c.id.padEnd(22)} ${String(c.findings).padStart(8)}  ${String(c.requests).padStart(8)}  ${String(c.tested).padStart(6)}  ${String(c.skipped.length).padStart(7)}${c.stoppedByBudget ? '  (budget reached)' : ''}${c.requests === 0 && c.findings === 0 ? '  (nothing tested)' : ''}`,
    );
  const reasons = result.checks.flatMap((c) =>
    c.skipped.map((s) => `  ${c.id}: ${s.operation}: ${s.reason}`),
  );
  if (reasons.length > 0) out.push('', 'skipped:', ...reasons.slice(0, 40));
  if (result.destructiveSkipped.length > 0)
    out.push(
      '',
      `never called (reset/seed/drop/purge/init; --allow-destructive): ${result.destructiveSkipped.join(', ')}`,
    );
  out.push('');
  out.push(
    `${result.findings.length} findings, ${result.requests} requests (${Object.entries(
      result.requestsByMethod,
    )
      .map(([m, n]) => `${m} ${n}`)
      .join(
        ', ',
      )}), ${result.exercised}/${result.operations} operations exercised, ${(result.durationMs / 1000).toFixed(1)} s${result.safe ? ', safe mode' : ''}`,
  );
  if (result.leftovers.length > 0) out.push(`not cleaned up: ${result.leftovers.join(', ')}`);
  return `${out.join('\n')}\n`;
}

/** A progress callback drawing `[#####-----] label` on a TTY stream; a no-op elsewhere. */
export function progressBar(stream: {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}): (done: number, total: number, label: string) => void {
  if (!stream.isTTY) return () => {};
  return (done, total, label) => {
    const width = 24;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${label.padEnd(24)}`);
    if (done >= total) stream.write('\r\x1b[K');
  };
}
