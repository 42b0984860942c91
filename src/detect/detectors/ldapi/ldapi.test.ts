import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { ldapiDetector } from './ldapi.ts';

/** The strongest score the detector gives one value. */
function strongest(value: string, kind: InputKind = 'query', location = 'query.q'): number {
  return Math.max(0, ...ldapiDetector.detect(viewsOf(value), kind, location).map((hit) => hit.score));
}

describe('ldapi detector', () => {
  test('finds values that close the filter and open their own', () => {
    assert.equal(strongest('*)(uid=*))(|(uid=*'), 5);
    assert.equal(strongest('admin)(!(&(1=0'), 5);
    assert.equal(strongest('admin)(mail=*'), 5);
    assert.equal(strongest('*)(|(objectClass=*)'), 5);
    assert.equal(strongest('%2a%29%28cn%3d%2a'), 5);
  });

  test('finds probes of filter symbols alone and items that close more than they opened', () => {
    for (const probe of ['*|', '%2A%7C', '(*)*)', '*)(', '//*', '@*', '*(|', 'pass  = q))', 'uid=admin)))'])
      assert.equal(strongest(probe), 5, probe);
  });

  test('a lone parenthesis or operator is a probe counted from paranoia 2', () => {
    for (const probe of ['(', ')', '%29', '|', '&']) {
      const hits = ldapiDetector.detect(viewsOf(probe), 'query', 'query.q');
      assert.deepEqual(
        hits.map((h) => `${h.rule}:${h.paranoia}`),
        ['ldapi.probe.symbol:2'],
        probe,
      );
    }
    assert.equal(strongest('-'), 0);
  });

  test('lets lone wildcards, media ranges, globs, smileys and balanced calls through', () => {
    for (const benign of ['*', '*/*', '**/*', '(*)', '***', 'thanks :))', 'f(g(x=1))', 'a = (b + c))'])
      assert.equal(strongest(benign), 0, benign);
  });

  test('lets parentheses in prose and phone numbers through', () => {
    for (const benign of ['(555) 123-4567', 'see (a)(b) above', 'f(x)(y)', 'John (Johnny) Smith']) {
      assert.ok(strongest(benign) < 5, benign);
    }
  });

  test('finds extensible-match filters after a breakout and leaves times and URLs alone', () => {
    assert.equal(strongest(')(uid:1.2.840.113556.1.4.803:=2'), 5);
    assert.equal(strongest('*)(cn:dn:=admin)'), 5);
    assert.equal(strongest('x)(:dn:2.5.13.5:=x'), 5);
    assert.equal(strongest('meet (today) at 10:30'), 0);
    assert.equal(strongest('see (https://example.com)'), 0);
  });

  test('an extensible match with a matching-rule OID, even without parentheses', () => {
    const rules = (value: string) =>
      ldapiDetector.detect(viewsOf(value), 'query', 'query.q').map((h) => h.rule);
    assert.deepEqual(rules('memberOf:1.2.840.113556.1.4.1941:=cn=admins'), ['ldapi.extensible-match']);
    assert.deepEqual(rules('cn:dn:2.5.13.5:=x'), ['ldapi.extensible-match']);
    assert.deepEqual(rules('version 1.2.3 := released'), []);
  });
});
