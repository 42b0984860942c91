import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { traversalDetector } from './traversal.ts';

/** The strongest score per rule for one value. */
function scores(value: string, kind: InputKind = 'query', location = 'query.q'): Map<string, number> {
  const out = new Map<string, number>();
  for (const hit of traversalDetector.detect(viewsOf(value), kind, location))
    out.set(hit.rule, Math.max(out.get(hit.rule) ?? 0, hit.score));
  return out;
}

function strongest(value: string, kind?: InputKind, location?: string): number {
  return Math.max(0, ...scores(value, kind, location).values());
}

describe('traversal detector', () => {
  test('finds paths that climb above their root, however encoded', () => {
    assert.equal(scores('../../../etc/passwd').get('traversal.escape'), 5);
    assert.equal(scores('..%2f..%2f..%2fetc%2fpasswd').get('traversal.escape'), 5);
    assert.equal(scores('%c0%ae%c0%ae/%c0%ae%c0%ae/boot.ini').get('traversal.escape'), 5);
    assert.equal(scores('..\\..\\windows\\win.ini').get('traversal.escape'), 5);
    assert.equal(scores('....//....//etc/hosts').get('traversal.escape'), 5);
  });

  test('finds sensitive files, system paths and stream wrappers in path-shaped values', () => {
    assert.equal(scores('/etc/passwd').get('traversal.sensitive-file'), 5);
    assert.equal(scores('C:\\boot.ini').get('traversal.sensitive-file'), 5);
    assert.equal(scores('/proc/self/environ').get('traversal.sensitive-file'), 5);
    assert.equal(scores('php://filter/convert.base64-encode/resource=index.php').get('traversal.wrapper'), 5);
  });

  test('lets prose that mentions paths and relative links through', () => {
    for (const benign of [
      'Edit the `/etc/hosts` file to add a host',
      'Save it to path/to/file.txt',
      'see ./docs/readme.md',
      '/v2/droplets/123',
      '/dev/vda1',
    ]) {
      assert.ok(strongest(benign) < 5, benign);
    }
  });

  test('a file URL that names no path reads nothing; one that names a file is reported', () => {
    assert.equal(strongest('File:///'), 0);
    assert.equal(strongest('file://localhost/'), 0);
    assert.equal(scores('file:///srv/app/data.csv').get('traversal.file-url'), 3);
    assert.equal(strongest('file:///etc/passwd'), 5);
  });

  test('reads undecodable escapes between dot pairs and path words as separators', () => {
    const rules = (value: string) =>
      traversalDetector.detect(viewsOf(value), 'query', 'query.q').map((h) => h.rule);
    assert.ok(rules('..%c0%5c..%c0%5c..%c0%5cboot.ini').includes('traversal.escape'));
    assert.ok(rules('..%uEFC8..%uEFC8..%uEFC8windows').includes('traversal.escape'));
    assert.ok(rules('users/.htpasswd').includes('traversal.sensitive-file'));
    assert.ok(
      rules('C:\\Program Files\\Apache Group\\Apache\\conf\\httpd.conf').includes('traversal.sensitive-file'),
    );
    assert.deepEqual(rules('50% off... 20% more'), []);
    assert.deepEqual(rules('C:\\Users\\alice\\report.docx').includes('traversal.sensitive-file'), false);
  });

  test('separators a lenient server reads into a slash: look-alikes, private use, broken overlongs', () => {
    // Set minus and a private-use code point (what `%u2216` and `%uE0A5` decode to) between names.
    assert.equal(strongest('..%u2216..%u2216var%u2216log%u2216auth.log'), 5);
    assert.equal(strongest('%5C..%uE0A5%5C..%uE0A5boot.ini'), 5);
    // A C0 lead byte with a broken continuation escape stood where a slash was.
    assert.equal(strongest('%c0%ae%c0%ae%c0%zzvar%c0%zzlog%c0%zzsyslog'), 5);
    // Latin-1 letters in prose are not separators.
    assert.equal(strongest('café à la carte'), 0);
  });

  test('Windows paths whose folder names hold spaces reach their sensitive files', () => {
    assert.equal(scores('/Program Files/Common Stuff/conf/httpd.conf').get('traversal.sensitive-file'), 5);
    assert.equal(strongest('D:\\Program Files\\My App\\web.config'), 5);
    // A sentence that names such a file is not a path.
    assert.equal(strongest('Edit the `/program files/x/conf/httpd.conf` file, then restart'), 2);
  });

  test('credential files in a home directory', () => {
    assert.equal(strongest('/home/bob/.pgpass'), 5);
    assert.equal(strongest('~/.aws/credentials'), 5);
  });

  test('a request path: a dot segment left in it, an absolute path appended to a route', () => {
    assert.equal(scores('/static/../server.js', 'path', 'path').get('traversal.escape'), 5);
    assert.equal(scores('/download//var/log/app.log', 'path', 'path').get('traversal.system-path'), 5);
    // The same text in a query value climbs nothing above its start.
    assert.equal(scores('static/../server.js').get('traversal.escape'), undefined);
    assert.equal(strongest('/api//v1/users', 'path', 'path'), 0);
  });

  test('overlong escapes read as a lenient decoder reads them, also encoded once more', () => {
    // Three-byte overlong dots, then a two-byte sequence whose low bits are a slash.
    assert.equal(strongest('%e0%80%ae%e0%80%ae%c1%af%e0%80%ae%e0%80%ae%c1%afvar%c1%aflog'), 5);
    assert.equal(
      strongest('%25c0%25ae%25c0%25ae%25c0%25af%25c0%25ae%25c0%25ae%25c0%25afboot.ini', 'cookie', 'cookie.q'),
      5,
    );
    // A stray percent left before a separator by a broken double encoding.
    assert.equal(strongest('%25%5c..%25%5c..%25%5c..%25%5cwin.ini'), 5);
  });

  test('dot and empty segments before a climb, and long runs of dots, still climb from the start', () => {
    assert.equal(scores('/./../app.js').get('traversal.escape'), 5);
    assert.equal(scores('//../app.js').get('traversal.escape'), 5);
    assert.equal(scores(`/${'.'.repeat(40)}/../../x`).get('traversal.escape'), 5);
    assert.equal(strongest('/./docs/./a.md'), 0);
  });

  test('PHP session files and a database data directory', () => {
    assert.equal(strongest('/tmp/sess_4f9a1c'), 5);
    assert.equal(strongest('C:/ProgramData/MySQL/data/users.ibd'), 5);
  });
});

describe('traversal: a system directory named alone', () => {
  test('scores 3 (a configuration holds `/usr` or `/lib`); a path into it reaches a file and decides', () => {
    for (const value of ['/lib', '/usr', '/var', '/opt/'])
      assert.deepEqual(
        [...scores(value, 'body', 'body.files').entries()],
        [['traversal.system-path.root', 3]],
        value,
      );
    for (const value of ['/etc/inittab', '/usr/local/etc/pure-ftpd.conf', '/proc/cmdline'])
      assert.equal(strongest(value, 'body', 'body.file'), 5, value);
  });
});
