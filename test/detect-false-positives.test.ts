// Regression tests for false positives seen on real traffic (issue 13): each input below is
// legitimate and must pass at paranoia 1, while the attack next to it is still blocked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createDetector,
  type Input,
  inputsFromBody,
  inputsFromHeaders,
  inputsFromQuery,
} from '../src/detect/index.ts';

const detector = createDetector({ paranoia: 1 });
const json = (value: unknown): Input[] =>
  inputsFromBody(JSON.stringify(value), 'application/json', { screenJson: true });
const blocked = (inputs: Input[]): boolean => detector.inspect(inputs).blocked;

const PGP_KEY = [
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  'Version: GnuPG v2',
  '',
  'mQENBFayYZ0BCAC4hScoJXXpyR+MXGcrBxElqw3FzCVvkViuyeko+Jp76QJhg8kr',
  'ucRTxbnOoHfda/FmilEa/wxf9ch5/PSrrL26FxEoPHhJolp8fnIDLQeITn94NYdB',
  '=+OzK',
  '-----END PGP PUBLIC KEY BLOCK-----',
].join('\n');

describe('false positives on real traffic', () => {
  test('a one-field multipart form (curl -F name=John) passes', () => {
    const body = '--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\nJohn\r\n--xyz--\r\n';
    assert.equal(blocked(inputsFromBody(body, 'multipart/form-data; boundary=xyz')), false);
  });

  test('a file:/// URL in a JSON value passes; a file URL to a system file does not', () => {
    assert.equal(blocked(json({ path: 'file:///Users/octocat/projects/hello-world' })), false);
    assert.equal(blocked(json({ path: 'file:///etc/passwd' })), true);
  });

  test('an ssh:// remote on localhost passes; an http URL to localhost in a parameter does not', () => {
    assert.equal(blocked(json({ ssh_url: 'ssh://git@localhost:3035/octocat/Hello-World.git' })), false);
    assert.equal(blocked(json({ git_url: 'git://github.localhost/octocat/Hello-World.git' })), false);
    assert.equal(blocked(json({ hooks_url: 'http://api.github.localhost/repos/octocat/hooks' })), false);
    assert.equal(blocked(inputsFromQuery('url=http%3A%2F%2Flocalhost%3A8080%2Fadmin')), true);
  });

  test('a PGP public key block passes; a quote and a comment still truncate', () => {
    assert.equal(blocked(json({ raw_key: PGP_KEY })), false);
    assert.equal(blocked(json({ raw_key: `"${PGP_KEY}` })), false);
    assert.equal(blocked(inputsFromQuery("user=admin'--")), true);
  });

  test('Origin and Referer of a front end on localhost or an intranet pass; a metadata address does not', () => {
    for (const front of [
      'http://localhost:3000',
      'http://192.168.1.20:8080',
      'http://[::1]:4200',
      'http://10.0.0.7',
    ])
      assert.equal(
        blocked(inputsFromHeaders({ origin: front, referer: `${front}/app?page=2` })),
        false,
        front,
      );
    assert.equal(blocked(inputsFromHeaders({ referer: 'http://169.254.169.254/latest/meta-data/' })), true);
  });

  test('arithmetic and a signature line pass; an appended condition does not', () => {
    assert.equal(blocked(inputsFromQuery(`q=${encodeURIComponent('5 < 6 and 7 > 3')}`)), false);
    assert.equal(blocked(inputsFromQuery(`q=${encodeURIComponent('-- signed, the team')}`)), false);
    assert.equal(blocked(json({ note: 'Thanks for the fix!\n-- signed, the team' })), false);
    assert.equal(blocked(inputsFromQuery(`id=${encodeURIComponent("5' and 7>3--")}`)), true);
  });

  test('an ellipsis is not a traversal; ../../ still is', () => {
    assert.equal(blocked(json({ items: ['...', '....'] })), false);
    assert.equal(blocked(inputsFromQuery('file=..%2F..%2Fetc%2Fshadow')), true);
  });

  test('a JSON document with escaped line breaks in a header is not a header break; a raw one still is', () => {
    const doc = JSON.stringify({ note: 'line one\nline two', tags: ['a', 'b'] });
    assert.equal(blocked(inputsFromHeaders({ 'user-agent': doc })), false);
    assert.equal(blocked(inputsFromHeaders({ 'user-agent': 'Mozilla\r\nX-Injected: 1' })), true);
  });

  test('a private-address URL in a configuration passes at paranoia 1 and is flagged', () => {
    const result = detector.inspect(json({ url: 'https://user:pw@192.168.0.1:25060' }));
    assert.equal(result.blocked, false);
    assert.ok(result.findings.some((f) => f.rule === 'ssrf.private-host.credentials'));
    // With its own credentials it is a connection setting: flagged, not blocked, at paranoia 2 too.
    const p2 = createDetector({ paranoia: 2 }).inspect(json({ url: 'https://user:pw@192.168.0.1:25060' }));
    assert.equal(p2.blocked, false);
  });
});
