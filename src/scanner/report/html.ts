// A self-contained HTML report (inline CSS, no script, no external resource).
import type { ScanResult } from '../runner.ts';
import { OWASP } from '../types.ts';
import { xmlEscape as esc } from './junit.ts';

const COLORS: Record<string, string> = {
  critical: '#7a0019',
  high: '#c0392b',
  medium: '#d68910',
  low: '#2874a6',
  info: '#566573',
};

/** Renders a scan result as one HTML page. */
export function toHtml(result: ScanResult): string {
  const rows = result.checks
    .map(
      (c) =>
        `<tr><td>${esc(c.id)}</td><td>${c.findings}</td><td>${c.requests}</td><td>${c.tested}</td><td>${esc(c.skipped.map((s) => `${s.operation}: ${s.reason}`).join('; '))}</td></tr>`,
    )
    .join('');
  const items = result.findings
    .map(
      (
        f,
      ) => `<section class="finding"><h2><span class="sev" style="background:${COLORS[f.severity]}">${esc(f.severity)}</span> ${esc(f.title)}</h2>
<p><b>${esc(f.operation)}</b> · ${esc(f.owasp)} ${esc(OWASP[f.owasp] ?? '')} · CWE-${f.cwe} · check ${esc(f.check)}</p>
<p>${esc(f.description)}</p>
${f.evidence.map((e) => `<details><summary>${esc(e.note)}</summary><pre>${esc(e.request ?? '')}</pre><pre>${esc(e.response ?? '')}</pre></details>`).join('\n')}
<pre class="curl">${esc(f.curl)}</pre>
${f.fix === undefined ? '' : `<p>Rampart fix for <code>${esc(f.fix.route.methods.join(',') || '*')} ${esc(f.fix.route.path)}</code>: ${esc(f.fix.note)}${f.fix.requires === undefined ? '' : ` (needs ${esc(f.fix.requires)})`}</p><pre>${esc(JSON.stringify(f.fix.policies, null, 2))}</pre>${(f.fix.also ?? []).map((more) => `<p>and for <code>${esc(more.route.methods.join(',') || '*')} ${esc(more.route.path)}</code>: ${esc(more.note)}</p><pre>${esc(JSON.stringify(more.policies, null, 2))}</pre>`).join('')}`}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rampart scan: ${esc(result.target)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}
.sev{color:#fff;border-radius:3px;padding:0 .4em;font-size:.8em;text-transform:uppercase}
.finding{border-top:1px solid #ddd;margin-top:1.2em}pre{background:#f6f6f6;padding:.6em;overflow:auto;white-space:pre-wrap}</style></head>
<body><h1>rampart scan</h1>
<p>Target <b>${esc(result.target)}</b> · ${esc(result.startedAt)} · rampart scan ${esc(result.version)} · ${result.findings.length} findings · ${result.requests} requests · ${(result.durationMs / 1000).toFixed(1)} s${result.safe ? ' · safe mode' : ''}</p>
<table><tr><th>check</th><th>findings</th><th>requests</th><th>tested</th><th>skipped (why)</th></tr>${rows}</table>
${result.leftovers.length > 0 ? `<p>Not cleaned up: ${esc(result.leftovers.join(', '))}</p>` : ''}
${result.destructiveSkipped.length > 0 ? `<p>Never called (reset, seed, drop, purge, init; <code>--allow-destructive</code>): ${esc(result.destructiveSkipped.join(', '))}</p>` : ''}
${items || '<p>No findings.</p>'}
</body></html>
`;
}
