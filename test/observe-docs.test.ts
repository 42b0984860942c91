// The Grafana dashboard and the Prometheus alert rules in docs/ only name metrics Rampart exposes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { createMetrics } from '../src/observe/metrics.ts';
import { sinkMetrics } from '../src/observe/sinks/sink-metrics.ts';

const docs = new URL('../docs/', import.meta.url);

async function exposedNames(): Promise<Set<string>> {
  const metrics = createMetrics();
  sinkMetrics(metrics.registry);
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

function referenced(text: string): string[] {
  const found = new Set<string>();
  // Metric names are [a-z_]+ words starting with one of these prefixes; split on anything else.
  for (const word of text.split(/[^a-z0-9_]+/)) {
    if (word.startsWith('rampart_') || word.startsWith('process_') || word.startsWith('nodejs_'))
      found.add(word);
  }
  return [...found];
}

describe('observability examples in docs', () => {
  it('the dashboard is JSON and queries only exposed metrics', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('grafana-dashboard.json', docs), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)).join('\n');
    const names = await exposedNames();
    assert.ok(referenced(exprs).length >= 5);
    assert.deepEqual(
      referenced(exprs).filter((name) => !names.has(name)),
      [],
    );
  });

  it('the alert rules parse and query only exposed metrics', async () => {
    const rules = parse(readFileSync(new URL('prometheus-alerts.yaml', docs), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
    };
    const exprs = rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr)).join('\n');
    const names = await exposedNames();
    assert.ok(referenced(exprs).length >= 5);
    assert.deepEqual(
      referenced(exprs).filter((name) => !names.has(name)),
      [],
    );
  });
});
