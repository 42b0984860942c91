// Tracing over real sockets: one trace id in the upstream's traceparent, the access log, the problem
// document and the OTLP export (a local receiver decoding OTLP/HTTP JSON); a client's trace context is
// continued only when a trusted proxy sent it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseTraceParent } from '../src/observe/tracing/traceparent.ts';
import { startTestRampart, type TestRampart } from './helpers/rampart.ts';
import { type HttpReceiver, startHttpReceiver } from './helpers/receivers.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  events?: Array<{ name: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }>;
}

function spansOf(receiver: HttpReceiver): OtlpSpan[] {
  return receiver.items.flatMap((request) => {
    const payload = JSON.parse(request.body) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
    };
    return payload.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
  });
}

/** Awaits exported spans until `count` of the trace have arrived. */
async function traceSpans(receiver: HttpReceiver, traceId: string, count: number): Promise<OtlpSpan[]> {
  for (let batches = receiver.items.length + 1; ; batches++) {
    await receiver.waitFor(batches);
    const spans = spansOf(receiver).filter((span) => span.traceId === traceId);
    if (spans.length >= count) return spans;
  }
}

function attribute(span: OtlpSpan | undefined, key: string): unknown {
  const value = span?.attributes.find((entry) => entry.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
}

const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_PARENT = 'b7ad6b7169203331';
const CLIENT_TRACEPARENT = `00-${CLIENT_TRACE}-${CLIENT_PARENT}-01`;

function configText(upstream: string, collector: string, trusted: boolean): string {
  return `version: 1
server:
  http: { port: 0 }
  trustedProxies: [${trusted ? '127.0.0.1/32' : ''}]
admin: { enabled: false }
upstreams:
  app: { url: ${upstream} }
routes:
  - name: items
    match: { path: /items/:id }
    upstream: app
    policies:
      methods: { allow: [GET] }
      rate-limit: { rules: [{ name: r, limit: "100000/s" }] }
observability:
  tracing: { enabled: true, url: "${collector}/v1/traces", flushInterval: 20ms }
`;
}

describe('tracing', () => {
  let upstream: TestUpstream;
  let collector: HttpReceiver;
  let edge: TestRampart;
  let inner: TestRampart;

  before(async () => {
    upstream = await startUpstream();
    collector = await startHttpReceiver();
    edge = await startTestRampart({ config: { text: configText(upstream.url, collector.url, false) } });
    inner = await startTestRampart({ config: { text: configText(upstream.url, collector.url, true) } });
  });

  after(async () => {
    await edge.rampart.close();
    await inner.rampart.close();
    await collector.close();
    await upstream.close();
  });

  it('gives the upstream, the access log and the OTLP export one trace id, new for an untrusted client', async () => {
    const response = await fetch(`${edge.rampart.url}/items/7`, {
      headers: { traceparent: CLIENT_TRACEPARENT, tracestate: 'vendor=secret' },
    });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    const requestId = response.headers.get('x-request-id');
    const received = upstream.received.at(-1)!;
    const sent = parseTraceParent(received.headers.traceparent);
    assert.ok(sent !== undefined, 'the upstream got a valid traceparent');
    assert.notEqual(sent.traceId, CLIENT_TRACE, 'a client cannot choose the trace');
    assert.equal(received.headers.tracestate, undefined, "an untrusted client's tracestate is not forwarded");

    const access = await edge.log.waitFor((line) => line.msg === 'access' && line.requestId === requestId);
    assert.equal(access.traceId, sent.traceId);

    // server, ingress, traffic, upstream, response
    const spans = await traceSpans(collector, sent.traceId, 5);
    const server = spans.find((span) => span.kind === 2);
    const client = spans.find((span) => span.kind === 3);
    assert.equal(server?.name, 'GET /items/:id');
    assert.equal(server?.parentSpanId ?? '', '');
    assert.equal(client?.spanId, sent.parentId, "the upstream's parent is the gateway's upstream span");
    assert.equal(client?.parentSpanId, server?.spanId);
    assert.equal(attribute(server, 'http.response.status_code'), 200);
    for (const stage of ['rampart.ingress', 'rampart.traffic', 'rampart.response'])
      assert.ok(
        spans.some((span) => span.name === stage && span.parentSpanId === server?.spanId),
        stage,
      );
  });

  it('continues the trace a trusted proxy sent, with its tracestate', async () => {
    const response = await fetch(`${inner.rampart.url}/items/8`, {
      headers: { traceparent: CLIENT_TRACEPARENT, tracestate: 'edge=1' },
    });
    await response.arrayBuffer();
    const received = upstream.received.at(-1)!;
    const sent = parseTraceParent(received.headers.traceparent);
    assert.equal(sent?.traceId, CLIENT_TRACE);
    assert.equal(received.headers.tracestate, 'edge=1');
    const spans = await traceSpans(collector, CLIENT_TRACE, 3);
    const server = spans.find((span) => span.kind === 2);
    assert.equal(server?.parentSpanId, CLIENT_PARENT);
  });

  it('puts the trace id in problem documents and the verdict on the span', async () => {
    const response = await fetch(`${edge.rampart.url}/items/9`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 405);
    const problem = (await response.json()) as { traceId?: string; requestId: string };
    assert.match(problem.traceId ?? '', /^[0-9a-f]{32}$/);
    const access = await edge.log.waitFor(
      (line) => line.msg === 'access' && line.requestId === problem.requestId,
    );
    assert.equal(access.traceId, problem.traceId);
    const spans = await traceSpans(collector, problem.traceId!, 2);
    const server = spans.find((span) => span.kind === 2);
    const ingress = spans.find((span) => span.name === 'rampart.ingress');
    assert.equal(attribute(server, 'rampart.policy.methods.verdict'), 'denied');
    assert.equal(attribute(ingress, 'rampart.policy.methods.verdict'), 'denied');
    const verdict = ingress?.events?.find((event) => event.name === 'rampart.verdict');
    assert.equal(
      verdict?.attributes.find((entry) => entry.key === 'rampart.code')?.value.stringValue,
      'RAMPART_INGRESS_METHOD_NOT_ALLOWED',
    );
    assert.equal(attribute(server, 'http.response.status_code'), 405);
  });
});
