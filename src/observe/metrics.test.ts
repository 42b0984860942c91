import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics, methodLabel } from './metrics.ts';

describe('createMetrics', () => {
  it('exposes recorded requests, durations and in-flight counts', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.requestStarted();
    metrics.requestStarted();
    metrics.requestStarted();
    assert.match(await metrics.render(), /rampart_http_requests_in_flight 3/);
    metrics.requestFinished('users', 'GET', 200, 0.003);
    metrics.requestFinished('users', 'GET', 200, 0.004);
    metrics.requestFinished('unmatched', 'BREW', 404, 0.0001);
    const text = await metrics.render();
    assert.match(text, /rampart_http_requests_total\{route="users",method="GET",status="200"\} 2/);
    assert.match(text, /rampart_http_requests_total\{route="unmatched",method="OTHER",status="404"\} 1/);
    assert.match(text, /rampart_http_request_duration_seconds_bucket\{le="0.005",route="users"\} 2/);
    assert.match(text, /rampart_http_request_duration_seconds_bucket\{le="0.0005",route="unmatched"\} 1/);
    assert.match(text, /rampart_http_requests_in_flight 0/);
  });

  it('counts rejections, upstream errors, security events and reloads', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.policyRejection('users', 'api-key', 'RAMPART_AUTHN_MISSING');
    metrics.upstreamError('users-api', 'refused');
    metrics.securityEvent('detect', 'RAMPART_THREAT_DETECTED', 'would-deny');
    metrics.configReload('success', 'v2', 1_700_000_000_000);
    metrics.configReload('failure');
    const text = await metrics.render();
    assert.match(
      text,
      /rampart_policy_rejections_total\{route="users",policy="api-key",code="RAMPART_AUTHN_MISSING"\} 1/,
    );
    assert.match(text, /rampart_upstream_errors_total\{upstream="users-api",kind="refused"\} 1/);
    assert.match(
      text,
      /rampart_security_events_total\{policy="detect",code="RAMPART_THREAT_DETECTED",outcome="would-deny"\} 1/,
    );
    assert.match(text, /rampart_config_reloads_total\{result="success"\} 1/);
    assert.match(text, /rampart_config_reloads_total\{result="failure"\} 1/);
    assert.match(text, /rampart_config_version_info\{version="v2"\} 1/);
    assert.match(text, /rampart_config_last_reload_timestamp_seconds 1700000000/);
  });

  it('keeps only the current config version in the info gauge', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.configReload('success', 'v1');
    metrics.configReload('success', 'v2');
    const text = await metrics.render();
    assert.ok(!text.includes('version="v1"'));
    assert.ok(text.includes('version="v2"'));
  });

  it('keeps registries of separate instances apart', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.requestFinished('only-a', 'GET', 200, 0.01);
    assert.ok(!(await b.render()).includes('only-a'));
  });

  it('adds Node process metrics under their standard names by default', async () => {
    const metrics = createMetrics();
    const text = await metrics.render();
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^process_resident_memory_bytes /m);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
    assert.ok(metrics.contentType.startsWith('text/plain'));
  });

  it('counts requests per consumer with a bounded label set, and upstream latency per upstream', async () => {
    const metrics = createMetrics({ defaultMetrics: false, consumerLabels: 2 });
    for (const consumer of ['alice', 'bob', 'carol', 'dave', 'alice', undefined]) {
      metrics.requestStarted();
      metrics.requestFinished('users', 'GET', consumer === 'bob' ? 503 : 200, 0.002, consumer);
    }
    metrics.upstreamResponded('api', 0.004);
    const text = await metrics.render();
    assert.match(text, /rampart_consumer_requests_total\{consumer="alice",status_class="2xx"\} 2/);
    assert.match(text, /rampart_consumer_requests_total\{consumer="bob",status_class="5xx"\} 1/);
    assert.match(text, /rampart_consumer_requests_total\{consumer="other",status_class="2xx"\} 2/);
    assert.match(text, /rampart_consumer_requests_total\{consumer="anonymous",status_class="2xx"\} 1/);
    assert.ok(!text.includes('consumer="carol"'));
    assert.match(text, /rampart_consumer_request_duration_seconds_count\{consumer="alice"\} 2/);
    assert.match(text, /rampart_upstream_request_duration_seconds_bucket\{le="0.005",upstream="api"\} 1/);
  });

  it('bounds method labels to known methods', () => {
    assert.equal(methodLabel('PATCH'), 'PATCH');
    assert.equal(methodLabel('get'), 'OTHER');
    assert.equal(methodLabel('PROPFIND'), 'OTHER');
  });
});
