// The observability block of rampart.yaml: sinks and tracing validated at load, with positioned errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { formatConfigError } from '../src/config/errors.ts';
import { loadConfigText } from '../src/config/load.ts';
import { POLICY_DEFINITIONS } from '../src/policies/registry.ts';

const BASE = `version: 1
upstreams: { api: { url: "http://127.0.0.1:3000" } }
routes: []
observability:
`;

async function load(text: string) {
  return loadConfigText(text, 'rampart.yaml', POLICY_DEFINITIONS, { env: { HEC_TOKEN: 'hec-value' } });
}

describe('observability config', () => {
  it('accepts every sink type with defaults filled in, and resolves their secrets', async () => {
    const result = await load(`${BASE}  sinks:
    - { name: file, type: file, path: events.jsonl, maxAge: 1d }
    - { name: siem, type: syslog, protocol: tls, host: siem.example, port: 6514 }
    - { name: splunk, type: http, url: "https://splunk.example:8088/services/collector", shape: splunk-hec, token: env:HEC_TOKEN }
    - { name: otel, type: otlp-logs, url: "http://127.0.0.1:4318/v1/logs", events: [security, requests], format: ecs }
  tracing: { enabled: true, sampleRatio: 0.1 }
`);
    assert.equal(result.ok, true, JSON.stringify(!result.ok && result.errors));
    if (!result.ok) return;
    const [file, , splunk, otel] = result.config.observability?.sinks ?? [];
    assert.deepEqual(file?.events, ['security']);
    assert.equal(file?.format, 'ocsf');
    assert.equal(file?.queue.maxRecords, 10_000);
    assert.equal(file?.queue.flushInterval, '500ms');
    assert.equal(result.secrets.get(splunk?.token ?? ''), 'hec-value');
    assert.deepEqual(otel?.events, ['security', 'requests']);
    assert.equal(result.config.observability?.tracing?.url, 'http://127.0.0.1:4318/v1/traces');
  });

  it('refuses a sink member of another type, a missing required member and a duplicate name', async () => {
    const text = `${BASE}  sinks:
    - { name: a, type: file, path: x.jsonl, host: nowhere }
    - { name: b, type: syslog, port: 514 }
    - { name: a, type: http, url: "http://127.0.0.1:9/" }
`;
    const result = await load(text);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(
      result.errors.map((error) => [error.code, error.path]),
      [
        ['schema-unknown-key', 'observability.sinks[0].host'],
        ['schema-required', 'observability.sinks[1]'],
        ['duplicate-sink', 'observability.sinks[2].name'],
      ],
    );
  });

  it('refuses an inline credential where a secret reference is expected', async () => {
    const result = await load(`${BASE}  sinks:
    - { name: h, type: http, url: "http://127.0.0.1:9/", token: plain-token }
`);
    assert.equal(result.ok, false);
  });
});

describe('observability examples', () => {
  it('the yaml examples of docs/observability.md and the README load as configs', async () => {
    const sources = ['../docs/observability.md', '../README.md'].map((path) =>
      readFileSync(new URL(path, import.meta.url), 'utf8'),
    );
    const blocks = sources
      .flatMap((markdown) => [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!))
      .filter((block) => block.includes('observability:'));
    assert.ok(blocks.length >= 2);
    for (const block of blocks) {
      const example = parse(block) as Record<string, unknown>;
      const text = stringify({
        version: 1,
        upstreams: { api: { url: 'http://127.0.0.1:3000' } },
        routes: [],
        ...example,
      });
      const result = await loadConfigText(text, 'rampart.yaml', POLICY_DEFINITIONS, {
        env: { HEC_TOKEN: 'x', HOOK_TOKEN: 'y' },
      });
      assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
    }
  });
});
