// The engine's one-sweep screen of JSON bodies gives the verdicts and findings of the full walk.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDetector, inputsFromBody } from '../src/detect/index.ts';

const DOCUMENTS = [
  '{"customer":"bench","items":[{"sku":"SKU-000001","quantity":2,"unitPrice":9.99,"note":"ok"}],"pad":"xxxx"}',
  '{"user":"admin","password":{"$ne":null}}',
  '{"comment":"<img src=x onerror=alert(1)>","tags":["a","b"]}',
  '{"q":"1\\u0027 UNION SELECT password FROM users--"}',
  '{"a":{"constructor":{"prototype":{"isAdmin":true}}}}',
  '{"__proto__":{"polluted":1}}',
  '{"order":"name","group":"admins","filter":"select all from the list"}',
  '{"name":"O Brien","bio":"likes -- dashes","n":[1,2.5e3,-4,true,false,null]}',
  '{"cmd":"ls -la","path":"a/b"}',
  '{"broken": "unterminated}',
  '{"a":1} <script>alert(1)</script>',
  '[]',
];

function verdicts(screenJson: boolean, paranoia: number) {
  const detector = createDetector({ paranoia });
  return DOCUMENTS.map((doc) => {
    const result = detector.inspect(inputsFromBody(doc, 'application/json', { screenJson }));
    return {
      blocked: result.blocked,
      score: result.score,
      findings: result.findings.map((f) => `${f.rule}@${f.location}`).sort(),
    };
  });
}

describe('JSON body screening', () => {
  for (const paranoia of [1, 2, 4]) {
    test(`finds exactly what the full walk finds at paranoia ${paranoia}`, () => {
      assert.deepEqual(verdicts(true, paranoia), verdicts(false, paranoia));
    });
  }

  test('blocks attacks in plain-looking bodies and names their locations', () => {
    const detector = createDetector();
    const nosql = detector.inspect(inputsFromBody(DOCUMENTS[1]!, 'application/json', { screenJson: true }));
    assert.equal(nosql.blocked, true);
    assert.ok(nosql.findings.some((f) => f.location === 'body.password.$ne'));
    const proto = detector.inspect(inputsFromBody(DOCUMENTS[4]!, 'application/json', { screenJson: true }));
    assert.ok(proto.findings.some((f) => f.rule === 'proto.constructor-prototype'));
  });

  test('a large plain JSON body is screened without error and an attack at its end still blocks', () => {
    const items = Array.from({ length: 12_000 }, (_, i) => ({ sku: `SKU-${i}`, note: 'ok', qty: i }));
    const clean = JSON.stringify({ items });
    const attack = JSON.stringify({ items, last: "x' OR 1=1--" });
    const detector = createDetector({ budgetBytes: 4 * 1024 * 1024 });
    assert.ok(clean.length > 400_000);
    assert.equal(
      detector.inspect(inputsFromBody(clean, 'application/json', { screenJson: true })).blocked,
      false,
    );
    const found = detector.inspect(inputsFromBody(attack, 'application/json', { screenJson: true }));
    assert.equal(found.blocked, true);
    assert.ok(found.findings.some((f) => f.rule === 'sqli.tautology'));
  });

  test('a JSON body over the inspection budget is reported, not passed unseen', () => {
    const detector = createDetector({ budgetBytes: 1000 });
    const body = JSON.stringify({ pad: 'x'.repeat(5000) });
    const result = detector.inspect(inputsFromBody(body, 'application/json', { screenJson: true }));
    assert.equal(result.overBudget, true);
    assert.equal(result.blocked, true);
  });
});
