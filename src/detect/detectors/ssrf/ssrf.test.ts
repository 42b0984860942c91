import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import { inputsFromBody } from '../../extract/body.ts';
import type { InputKind } from '../../types.ts';
import { ssrfDetector } from './ssrf.ts';

/** The strongest score per rule for one value. */
function scores(value: string, kind: InputKind = 'query', location = 'query.q'): Map<string, number> {
  const out = new Map<string, number>();
  for (const hit of ssrfDetector.detect(viewsOf(value), kind, location))
    out.set(hit.rule, Math.max(out.get(hit.rule) ?? 0, hit.score));
  return out;
}

function strongest(value: string, kind?: InputKind, location?: string): number {
  return Math.max(0, ...scores(value, kind, location).values());
}

describe('ssrf detector', () => {
  test('finds URLs to metadata, loopback and private addresses in any notation', () => {
    assert.equal(scores('http://169.254.169.254/latest/meta-data/').get('ssrf.metadata'), 5);
    assert.equal(strongest('http://2130706433/'), 5);
    assert.equal(strongest('http://0x7f000001:8080/'), 5);
    assert.equal(strongest('http://0177.0.0.1/'), 5);
    assert.equal(strongest('http://[::ffff:127.0.0.1]/'), 5);
    assert.equal(strongest('http://user@127.0.0.1:22/'), 5);
    assert.equal(strongest('http://metadata.google.internal/computeMetadata/v1/'), 5);
    assert.equal(strongest('http://169.254.169.254.nip.io/'), 5);
  });

  test('finds non-HTTP schemes', () => {
    assert.equal(scores('gopher://127.0.0.1:6379/_INFO').get('ssrf.scheme'), 5);
    assert.equal(scores('jar:https://evil.example/x.jar!/a.class').get('ssrf.scheme'), 5);
    assert.equal(scores('a jar: https://example.com/x.jar').get('ssrf.scheme'), undefined);
    assert.equal(scores('dict://localhost:11211/stat').get('ssrf.scheme'), 5);
  });

  test('lets public URLs and private addresses in prose through', () => {
    for (const benign of [
      'https://api.example.com/v1/users?page=2',
      'https://github.com/octokit/fixtures',
      'The server listens on http://localhost:3000 during development',
      '10.0.0.5',
    ]) {
      assert.ok(strongest(benign, 'body') < 5, benign);
    }
  });

  test('private addresses written as configurations flag, written to evade decide', () => {
    const scores = (value: string) =>
      ssrfDetector.detect(viewsOf(value), 'query', 'query.url').map((h) => h.score);
    assert.deepEqual(scores('https://user:pw@192.168.0.1:25060'), [2]);
    assert.deepEqual(scores('http://10.0.0.7:8080/admin'), [3]);
    // A host name as userinfo fools a check that reads the wrong part of the authority.
    assert.deepEqual(scores('http://trusted.example@10.0.0.7/'), [5]);
    assert.deepEqual(scores('http://3232235521/'), [5]);
    assert.deepEqual(scores('http://0xc0a80101'), [5]);
  });

  test('a URL that starts a request path segment is what a path-based fetcher requests', () => {
    const path = (value: string) =>
      ssrfDetector.detect(viewsOf(value), 'path', 'path').map((h) => `${h.rule}:${h.score}`);
    assert.deepEqual(path('/preview/http://127.0.0.1:2375/containers/json'), ['ssrf.internal-host:5']);
    // Inside a query value the same URL after other text stays embedded evidence.
    assert.deepEqual(
      ssrfDetector
        .detect(viewsOf('see /preview/http://127.0.0.1:2375/x'), 'query', 'query.q')
        .map((h) => h.score),
      [2],
    );
    assert.deepEqual(path('/preview/https://example.com/a.png'), []);
  });

  test('a cloud metadata address anywhere, and hosts spelled in compatibility characters', () => {
    assert.equal(scores('https://redirect.example/to-http-169.254.169.254-latest').get('ssrf.metadata'), 5);
    assert.equal(strongest('build 1169.254.169.2545'), 0);
    assert.equal(scores('http://ⓘⓝⓣⓔⓡⓝⓐⓛ.example/').get('ssrf.obfuscated-host'), 5);
    assert.equal(scores('https://shop。example。com/').get('ssrf.obfuscated-host'), 5);
    // Full-width punctuation in prose next to an ordinary URL.
    assert.equal(strongest('价格：１００元，见 https://shop.example.com/'), 0);
  });

  test('finds metadata API paths behind any host, and services that trust their network', () => {
    assert.equal(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal `${…}` host, as a template leaves it.
      scores('http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next').get('ssrf.metadata'),
      5,
    );
    assert.equal(scores('http://proxy.example/latest/meta-data/iam/').get('ssrf.metadata'), 5);
    assert.equal(scores('http://x.example/computeMetadata/v1/instance/').get('ssrf.metadata'), 5);
    assert.equal(scores('http://foo/containers/json').get('ssrf.internal-service'), 5);
    assert.equal(scores('http://docker:2375/v1.41/containers/json').get('ssrf.internal-service'), 5);
    for (const benign of [
      'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html',
      'https://api.example.com/latest/releases',
      'https://logs/build.log',
      'http://host',
      'https://docker.example.com/containers/json',
    ])
      assert.equal(strongest(benign), 0, benign);
  });

  test('finds radix-marked addresses and names that resolve or forward to an internal address', () => {
    assert.equal(strongest('http://o177.0.0.1/'), 5);
    assert.equal(strongest('http://q177.0.0.1/'), 5);
    assert.equal(strongest('http://x7f.1/'), 5);
    assert.equal(strongest('http://app.lvh.me:3000/admin'), 5);
    assert.equal(strongest('https://62epax5fhvj3zzmzigyoe5ipkbn7fysllvges3a.302.r3dir.me'), 5);
    assert.equal(strongest('http://7f000001.c0a80001.rbndr.us/'), 5);
    assert.equal(strongest('http://host.docker.internal:2375/info'), 5);
    assert.equal(strongest('http://redis.default.svc.cluster.local:6379/'), 5);
    for (const benign of [
      'https://o2.co.uk/',
      'http://q1.example.com/',
      'https://x7.example/',
      'https://internal.example.com/',
      'https://example.com/internal',
    ])
      assert.equal(strongest(benign), 0, benign);
  });

  test('a bare loopback host with a path is a URL without its scheme; with a prefix length, a range', () => {
    assert.equal(scores('127.0.0.1/').get('ssrf.internal-host'), 5);
    assert.equal(scores('localhost:8080/admin').get('ssrf.internal-host'), 5);
    assert.equal(strongest('127.0.0.0/8'), 3);
    assert.equal(strongest('localhost:3000'), 3);
    assert.equal(strongest('10.0.0.0/24'), 2);
  });

  test('reads each segment of a request path as a host, and a percent-encoded path as sent', () => {
    const path = (value: string) =>
      ssrfDetector.detect(viewsOf(value), 'path', 'path').map((h) => `${h.rule}:${h.score}`);
    assert.deepEqual(path('/proxy/127.0.0.1.nip.io'), ['ssrf.metadata:5']);
    assert.deepEqual(path('/fetch/169.254.169.254/latest'), ['ssrf.metadata:5']);
    assert.deepEqual(path('/eval/http%3A//%E2%93%94%E2%93%A7.com'), ['ssrf.obfuscated-host:5']);
    assert.deepEqual(path('/servers/web-1/status'), []);
    assert.deepEqual(path('/orders/2130706433/items'), []);
    assert.deepEqual(path('/releases/1.2.3/notes'), []);
  });

  test('URLs to loopback, private and everyday services inside prose are weak evidence', () => {
    const found = (value: string) =>
      ssrfDetector.detect(viewsOf(value), 'body', 'body.text').map((h) => `${h.rule}:${h.score}`);
    assert.deepEqual(found('ffuf -w list -x http://127.0.0.1:8080 -u https://example.com/FUZZ'), [
      'ssrf.internal-host.embedded:2',
    ]);
    assert.deepEqual(found('duplicacy init -e id sftp://user@192.168.2.100/path/to/storage/'), [
      'ssrf.private-host.embedded:2',
    ]);
    assert.deepEqual(found('kioclient ls smb://server/share'), []);
    assert.deepEqual(found('then curl gopher://127.0.0.1:6379/_INFO'), [
      'ssrf.scheme.embedded:3',
      'ssrf.internal-host.embedded:2',
    ]);
  });
});

describe('ssrf: XML-RPC methods that fetch a URL', () => {
  const call = (method: string) =>
    `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params><param><value><string>http://victim.example/</string></value></param><param><value><string>https://blog.example/post</string></value></param></params></methodCall>`;
  const found = (value: string, kind: InputKind = 'body', location = 'body.q') =>
    ssrfDetector.detect(viewsOf(value), kind, location).map((h) => h.rule);

  test('a pingback call in a value and in an XML body', () => {
    assert.deepEqual(found(call('pingback.ping')), ['ssrf.xmlrpc-fetch']);
    assert.deepEqual(found(call(' pingback.ping '), 'query', 'query.q'), ['ssrf.xmlrpc-fetch']);
    const inputs = inputsFromBody(call('pingback.ping'), 'text/xml');
    const rules = inputs.flatMap((i) =>
      ssrfDetector.detect(viewsOf(i.value), i.kind, i.location).map((h) => `${h.rule}@${i.location}`),
    );
    assert.deepEqual(rules, ['ssrf.xmlrpc-fetch@body.methodCall.methodName']);
    // system.multicall names the method in a struct member.
    const multicall =
      '<methodCall><methodName>system.multicall</methodName><params><param><value><array><data><value><struct><member><name>methodName</name><value><string>pingback.ping</string></value></member></struct></value></data></array></value></param></params></methodCall>';
    assert.ok(
      inputsFromBody(multicall, 'text/xml').some(
        (i) => ssrfDetector.detect(viewsOf(i.value), i.kind, i.location).length > 0,
      ),
    );
  });

  test('other XML-RPC calls and prose about pingbacks pass', () => {
    assert.deepEqual(found(call('demo.sayHello')), []);
    assert.deepEqual(found(call('wp.getPosts')), []);
    assert.deepEqual(found('Disable pingback.ping in xmlrpc.php'), []);
    assert.deepEqual(found('pingback.ping', 'body', 'body.method'), []);
    assert.deepEqual(found('<method>pingback.ping</method>'), []);
  });
});

describe('ssrf in parameters the browser is sent to', () => {
  test('a loopback redirect_uri (OAuth for native apps) counts from paranoia 3; a fetched URL decides', () => {
    for (const [value, location] of [
      ['http://127.0.0.1:53682/callback', 'query.redirect_uri'],
      ['http://localhost:3000/auth/callback', 'body.redirect_uri'],
      ['http://localhost:5173/dashboard', 'query.return_to'],
      ['https://10.0.0.7/sso/landing', 'body.RelayState'],
      ['http://localhost:3000/cb', 'body.redirect_uris[0]'],
    ] as const) {
      const kind = location.startsWith('query') ? 'query' : 'body';
      assert.deepEqual([...scores(value, kind, location).keys()], ['ssrf.internal-host.redirect'], location);
    }
    assert.equal(strongest('http://127.0.0.1:8080/admin', 'query', 'query.url'), 5);
    assert.equal(strongest('http://localhost:9000/hook', 'body', 'body.webhook'), 5);
    // A metadata address is no place to send a browser.
    assert.equal(strongest('http://169.254.169.254/latest/meta-data/', 'query', 'query.redirect_uri'), 5);
  });
});
