// `npm run eval:specs [-- [--sample N] [--only id,id] [--compile lazy] [--budget 60s] [--details] [--full] spec…]`:
// valid requests generated from each spec (its examples, else minimal schema instances) through
// openapi-validate and schema-aware detect in memory; prints operations, requests and refusals per spec.
// Without specs it runs GitHub's description (node_modules/@octokit/openapi) and the multi-file fixture.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ConformanceReport, runConformance } from './conformance/run.ts';

const DEFAULT_SPECS = [
  'node_modules/@octokit/openapi/generated/api.github.com.json',
  'test/fixtures/multi-file-spec/openapi.yaml',
];

function group<T>(items: readonly T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k) ?? [];
    list.push(item);
    groups.set(k, list);
  }
  return [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
}

function print(report: ConformanceReport, details: boolean): void {
  const missing = [...report.notGenerated.values()].reduce((a, b) => a + b, 0);
  console.log(
    `\n${report.spec} (OpenAPI ${report.version}; loaded in ${report.loadMs} ms, run ${report.runMs} ms)`,
  );
  console.log(
    `  operations ${report.operations}, run ${report.selected}${report.stoppedEarly ? ' (time budget reached)' : ''}, requests ${report.requests} (${report.fromExamples} with the spec's examples), not generated ${missing}`,
  );
  for (const [why, count] of report.notGenerated) console.log(`    not generated: ${why}: ${count}`);
  console.log(
    `  openapi-validate: false refusals ${report.falseRefusals.length}, spec examples contradicting its schema ${report.exampleContradictions.length}, example refused with nothing to compare ${report.exampleUndecided.length}`,
  );
  console.log(`  detect: denied ${report.detectDenied.length}, flagged ${report.detectFlagged.length}`);
  console.log(`  relaxed keywords ${report.relaxed}`);
  if (report.fullRequests > 0)
    console.log(
      `  full requests (every optional member): ${report.fullRequests}, refused ${report.fullRefusals.length}`,
    );
  const show = details ? 1000 : 10;
  for (const [kind, list] of [
    ['false refusal', report.falseRefusals],
    ['example contradicts schema', report.exampleContradictions],
    ['example refused, nothing to compare', report.exampleUndecided],
    ['full request refused', report.fullRefusals],
  ] as const) {
    const groups = group(
      list,
      (r) => r.violations.map((v) => `${v.location.replace(/\d+/g, 'N')} ${v.message}`)[0] ?? r.code,
    );
    for (const [key, members] of groups.slice(0, show)) {
      console.log(`    ${kind} ×${members.length}: ${key} (e.g. ${members[0]!.operation})`);
    }
  }
  for (const finding of [...report.detectDenied, ...report.detectFlagged].slice(0, details ? 1000 : 20)) {
    console.log(
      `    detect ${finding.denied ? 'denied' : 'flagged'}: ${finding.rule} at ${finding.location} in ${finding.operation}: ${JSON.stringify(finding.value.slice(0, 120))}`,
    );
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sample: { type: 'string' },
    only: { type: 'string' },
    compile: { type: 'string', default: 'eager' },
    budget: { type: 'string', default: '300s' },
    details: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const budgetMs = Number.parseInt(values.budget, 10) * (values.budget.endsWith('ms') ? 1 : 1000);
const reports: ConformanceReport[] = [];
for (const spec of positionals.length > 0 ? positionals : DEFAULT_SPECS) {
  const report = await runConformance(resolve(spec), {
    compile: values.compile === 'lazy' ? 'lazy' : 'eager',
    budgetMs,
    full: values.full,
    ...(values.sample === undefined ? {} : { sample: Number.parseInt(values.sample, 10) }),
    ...(values.only === undefined ? {} : { only: new Set(values.only.split(',')) }),
  });
  print(report, values.details);
  reports.push(report);
}
if (values.json !== undefined) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    values.json,
    JSON.stringify(
      reports.map((r) => ({ ...r, notGenerated: Object.fromEntries(r.notGenerated) })),
      null,
      2,
    ),
  );
}
console.log(
  `\n| spec | OpenAPI | operations | requests | not generated | false refusals | example contradictions | examples undecided | detect denied | detect flagged |`,
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of reports) {
  const missing = [...r.notGenerated.values()].reduce((a, b) => a + b, 0);
  console.log(
    `| ${r.spec} | ${r.version} | ${r.operations} | ${r.requests} | ${missing} | ${r.falseRefusals.length} | ${r.exampleContradictions.length} | ${r.exampleUndecided.length} | ${r.detectDenied.length} | ${r.detectFlagged.length} |`,
  );
}
process.exitCode = reports.some((r) => r.falseRefusals.length > 0) ? 1 : 0;
