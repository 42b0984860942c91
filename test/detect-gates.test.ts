import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  benchCases,
  corpusCases,
  familyCases,
  type GateCase,
  gateDifferences,
  gateLeaks,
  placedCases,
} from '../bench/detect-gates-check.ts';
import { viewsOf } from '../src/detect/decode/views.ts';
import { DETECTORS } from '../src/detect/detectors/index.ts';
import { AMP, COLON, CONTROL, charMask, DOT, GATES, LT, OTHER, PERCENT, SLASH } from '../src/detect/gates.ts';
import type { Category } from '../src/detect/types.ts';

const CORPUS = join(import.meta.dirname, '../../shared/corpus');

/**
 * Values each of which a detector reports through one condition of its gate (the gate's words,
 * leading characters, lone names): a gate that forgets a condition lets one of them through unread.
 */
const PROBES: readonly (readonly [Category, string])[] = [
  ['sqli', '1 or 1'],
  ['sqli', '0x61646d696e6e'],
  ['sqli', '1-false'],
  ['sqli', 'current_user'],
  ['sqli', 'pg_shadow'],
  ['cmdi', 'whoami'],
  ['cmdi', 'which nc'],
  ['cmdi', '/bin/sh -c id'],
  ['cmdi', 'cat /etc/passwd'],
  ['traversal', 'etc/passwd'],
  ['traversal', '../../x'],
  ['traversal', 'file:///etc/passwd'],
  ['traversal', 'php://filter'],
  ['traversal', '~/.ssh/id_rsa'],
  ['traversal', 'x/.htaccess'],
  ['traversal', '/sbin/x'],
  ['ssti', '<%= 7*7 %>'],
  ['ssrf', '169.254.169.254'],
  ['ssrf', 'localhost:8080'],
  ['ssrf', '//internal'],
  ['ssrf', 'http://10.0.0.1/'],
  ['ssrf', 'app.127.0.0.1.nip.io'],
  ['java', 'java.lang.runtime'],
  ['java', 'rO0ABXNy'],
  ['java', 'aced0005'],
  ['nodejs', 'process.env.secret'],
  ['xxe', 'xinclude'],
  ['xss', 'document.cookie'],
  ['xss', 'onerror'],
  ['xss', 'javascript:alert'],
  ['xss', 'x=alert,'],
  ['xss', ',alert;'],
  ['xss', 'x.style.behavior:url(x.htc)'],
  ['xss', '+ADw-script+AD4-'],
  ['xss', '-->'],
  ['xss', 'xmlns:x=http://www.w3.org/1999/XSL/Transform'],
  ['xxe', '&foo;'],
  ['proto', '__proto__'],
  ['proto', 'constructor.prototype'],
  ['scanner', 'interact.sh'],
  ['java', '(#_memberaccess.x)'],
  ['nodejs', '__dirname'],
  ['nodejs', 'module.require.x'],
  ['nosqli', 'while(true){}'],
  ['nosqli', 'db.users.find()'],
  ['ldapi', '*)(uid=*'],
  ['ldapi', '(cn=admin)'],
  ['ldapi', 'cn:dn:1.2.840.113556.1.4.803:=2'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Log4j lookup.
  ['jndi', '${jndi:ldap://x}'],
  ['ssi', '<!--#exec cmd="ls" -->'],
  ['cmdi', 'bash -i'],
  ['cmdi', '%comspec%'],
  ['ssti', '1@(7*7)'],
  ['ssti', '"x?new()'],
  ['php', 'phpinfo()'],
];

describe('gates', () => {
  test('a character mask has one bit per punctuation class, controls and non-ASCII', () => {
    assert.equal(charMask('Plain words_and-digits 42'), 0);
    assert.equal(charMask('a.b/c'), DOT | SLASH);
    assert.equal(charMask('<a&b>:%'), charMask('<>&:%'));
    assert.equal(charMask('x\ny') & CONTROL, CONTROL);
    assert.equal(charMask('é') & OTHER, OTHER);
    assert.equal(charMask('\u0000') & OTHER, OTHER);
    assert.notEqual(charMask('<') & LT, 0);
    assert.equal(charMask('&%:') & (AMP | PERCENT | COLON), AMP | PERCENT | COLON);
  });

  test('each probe is found by its detector, and its gate lets it through', () => {
    for (const [category, value] of PROBES) {
      const detector = DETECTORS.find((d) => d.category === category)!;
      const views = viewsOf(value);
      assert.equal(views.changed, false, value);
      assert.notDeepEqual(detector.detect(views, 'body', 'body.q'), [], `${category} finds ${value}`);
      assert.equal(
        GATES[category](charMask(value), views, 'body', 'body.q'),
        true,
        `${category} gate on ${value}`,
      );
    }
  });

  test('closes every gate on a SKU (letters, digits, `-`, `.`, `/`)', () => {
    const views = viewsOf('SKU-3.17/B');
    const open = DETECTORS.filter((d) => GATES[d.category](charMask(views.raw), views, 'body', 'body.sku'));
    assert.deepEqual(open, []);
  });

  test('no closed gate hides a finding of its detector (probes, families, corpus sample, bench bodies)', () => {
    const cases: GateCase[] = [
      ...PROBES.flatMap(([category, value]) => [...placedCases(`probe/${category}`, [value])]),
      ...familyCases(),
      ...benchCases(),
    ];
    if (existsSync(CORPUS)) cases.push(...corpusCases(CORPUS, 40));
    const { values, leaks } = gateLeaks(cases);
    assert.ok(values > 1000);
    assert.deepEqual(leaks, []);
  });

  test('the engine with gates gives the verdicts, scores and findings of the engine without, P1–P4', () => {
    const cases: GateCase[] = [
      ...PROBES.flatMap(([category, value]) => [...placedCases(`probe/${category}`, [value])]),
      ...familyCases(),
    ];
    if (existsSync(CORPUS)) cases.push(...corpusCases(CORPUS, 8));
    const { compared, differences } = gateDifferences(cases);
    assert.ok(compared > 1000);
    assert.deepEqual(differences, []);
  });
});
