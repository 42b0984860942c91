// How the inventory is shown: one summary line per endpoint (CLI table, admin API list) and the
// comparison as text. Shared by `rampart inventory` and the admin API so both say the same.
import type { InventoryDiff } from './compare.ts';
import { type EndpointFacts, latencyQuantile } from './facts.ts';

/** An endpoint in a list. */
export interface EndpointSummary {
  readonly method: string;
  readonly template: string;
  readonly documented: boolean;
  readonly count: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly gatewayStatuses: Readonly<Record<string, number>>;
  readonly authenticated: number;
  readonly credentialed: number;
  readonly anonymous: number;
  readonly consumers: number;
  readonly sensitive: { readonly request: readonly string[]; readonly response: readonly string[] };
  readonly params: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly max: number };
}

/** The summary of one endpoint. */
export function summarize(facts: EndpointFacts): EndpointSummary {
  let params = 0;
  for (const location of Object.values(facts.params)) params += Object.keys(location).length;
  return {
    method: facts.method,
    template: facts.template,
    documented: facts.documented,
    count: facts.count,
    statuses: facts.statuses,
    gatewayStatuses: facts.gatewayStatuses,
    authenticated: facts.authn.authenticated,
    credentialed: facts.authn.credentialed,
    anonymous: facts.authn.anonymous,
    consumers: facts.consumers.length + facts.consumersOverflow,
    sensitive: {
      request: Object.keys(facts.sensitive.request).sort(),
      response: Object.keys(facts.sensitive.response).sort(),
    },
    params,
    firstSeen: new Date(facts.firstSeen).toISOString(),
    lastSeen: new Date(facts.lastSeen).toISOString(),
    latencyMs: {
      p50: latencyQuantile(facts, 0.5),
      p95: latencyQuantile(facts, 0.95),
      max: Math.round(facts.latency.max * 1000) / 1000,
    },
  };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i] ?? 0, row[i]!.length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The endpoint list as a table. */
export function formatEndpoints(endpoints: readonly EndpointFacts[]): string {
  if (endpoints.length === 0) return 'no endpoints learned yet\n';
  const rows = [['METHOD', 'PATH', 'CALLS', 'STATUSES', 'AUTHN', 'SENSITIVE', 'LAST SEEN']];
  for (const facts of endpoints) {
    const s = summarize(facts);
    const statuses = [
      ...Object.keys(s.statuses).sort(),
      ...Object.keys(s.gatewayStatuses).map((status) => `gw:${status}`),
    ].join(',');
    const authn = [
      s.authenticated > 0 ? `auth ${s.authenticated}` : '',
      s.credentialed > 0 ? `cred ${s.credentialed}` : '',
      s.anonymous > 0 ? `anon ${s.anonymous}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    rows.push([
      s.method,
      `${s.template}${s.documented ? '' : ' *'}`,
      String(s.count),
      statuses,
      authn,
      s.sensitive.response.join(','),
      s.lastSeen.slice(0, 19).replace('T', ' '),
    ]);
  }
  return (
    `${table(rows)}\n(* learned template: no spec documented the path when it was seen; ` +
    'gw:N the gateway answered N itself)\n'
  );
}

const calls = (n: number): string => `${n} call${n === 1 ? '' : 's'}`;

/** The comparison as text. */
export function formatDiff(diff: InventoryDiff): string {
  const lines: string[] = [`compared with: ${diff.specs.join(', ') || '(no spec)'}`];
  const section = (title: string, items: readonly string[]) => {
    lines.push('', `${title} (${items.length})`);
    for (const item of items.slice(0, 200)) lines.push(`  ${item}`);
    if (items.length > 200) lines.push(`  … ${items.length - 200} more`);
  };
  section(
    'shadow: called, documented in no spec',
    diff.shadow.map((e) => `${e.method} ${e.template}  (${calls(e.count)})`),
  );
  section(
    'zombie: deprecated or superseded, still called',
    diff.zombie.map(
      (e) =>
        `${e.method} ${e.template}  (${e.reason}${e.by === undefined ? '' : ` by ${e.by}`}, ${calls(e.count)})`,
    ),
  );
  section(
    'unauthenticated: secured in the spec, answered to callers without credentials',
    diff.unauthenticated.map((e) => `${e.method} ${e.template}  (${e.anonymousOk} anonymous answers)`),
  );
  section(
    'sensitive: answers carried sensitive data',
    diff.sensitive.map(
      (e) =>
        `${e.method} ${e.template}  ${e.types.join(', ')}${e.anonymous ? '  (also to anonymous callers)' : ''}`,
    ),
  );
  section(
    'drift: seen, not declared',
    diff.drift.map((d) => `${d.method} ${d.template}  ${d.location} ${d.name}  (${d.seen}×)`),
  );
  section(
    'unused: documented, never called',
    diff.unused.map(
      (u) => `${u.method} ${u.template}${u.operationId === undefined ? '' : `  (${u.operationId})`}`,
    ),
  );
  return `${lines.join('\n')}\n`;
}
