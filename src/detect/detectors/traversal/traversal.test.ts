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
});
