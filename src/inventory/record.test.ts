// Recording an exchange: client-chosen names never reach a prototype, examples are redacted, the
// caller's credentials are classified without their values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeFacts, newFacts } from './facts.ts';
import { exchangesOfHar } from './har.ts';
import { carriesCredential, recordExchange, redactExample } from './record.ts';

const limits = { maxBodyBytes: 65_536, admitParam: () => true, dropParam: () => undefined };

describe('recordExchange', () => {
  it('keeps parameters and members named __proto__, constructor or prototype out of every map', () => {
    const facts = newFacts('POST', '/things', false, 0);
    const body =
      '{"__proto__":{"polluted":1},"constructor":{"prototype":{"seen":1}},"a":{"__proto__":{"x":1}},"ok":1}';
    recordExchange(
      facts,
      {
        time: 0,
        method: 'POST',
        path: '/things',
        rawQuery: '__proto__=1&constructor=2&prototype=3&q=4',
        status: 200,
        durationMs: 1,
        requestHeaders: { 'content-type': 'application/json' },
        requestBody: body,
      },
      [],
      limits,
    );
    assert.deepEqual(Object.keys(facts.params.query), ['q']);
    assert.deepEqual(Object.keys(facts.params.body).sort(), ['a', 'ok']);
    const merged = mergeFacts(newFacts('POST', '/things', false, 0), JSON.parse(JSON.stringify(facts)));
    assert.deepEqual(Object.keys(merged.params.body).sort(), ['a', 'ok']);
    const probe: Record<string, unknown> = {};
    assert.equal(probe.polluted, undefined);
    assert.equal(probe.seen, undefined);
    assert.equal((Object as unknown as { seen?: unknown }).seen, undefined);
  });

  it('reads HAR headers named like prototype members as nothing', () => {
    const har = {
      log: {
        entries: [
          {
            request: {
              method: 'GET',
              url: 'http://api.test/a',
              headers: [
                { name: '__proto__', value: 'x' },
                { name: 'X-Key', value: 'k' },
              ],
            },
            response: { status: 200, headers: [] },
          },
        ],
      },
    };
    const [exchange] = [...exchangesOfHar(har)];
    assert.deepEqual(Object.keys(exchange?.requestHeaders ?? {}), ['x-key']);
  });

  it('redacts examples by name and masks sensitive values', () => {
    assert.equal(redactExample('password', 'hunter2'), '[REDACTED]');
    assert.equal(redactExample('api_key', 'abc'), '[REDACTED]');
    assert.equal(redactExample('contact', 'mail ann@example.com now'), 'mail a***@example.com now');
    assert.equal(redactExample('card', '4111 1111 1111 1111'), '****1111');
    assert.equal(redactExample('note', 'x'.repeat(100)).length, 64);
  });

  it('tells a request with a credential from one without, whatever the credential is', () => {
    assert.equal(carriesCredential({ authorization: 'Bearer x' }, new URLSearchParams()), true);
    assert.equal(carriesCredential({ 'x-api-key': 'k' }, new URLSearchParams()), true);
    assert.equal(carriesCredential({}, new URLSearchParams('access_token=t')), true);
    assert.equal(carriesCredential({ accept: '*/*' }, new URLSearchParams('page=2')), false);
  });
});
