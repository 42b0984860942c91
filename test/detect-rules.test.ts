// The rule catalogue: one table per detector, ids unique and in their family, docs/rules.md current.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DETECTORS } from '../src/detect/detectors/index.ts';
import { createDetector } from '../src/detect/index.ts';
import { rulesMarkdown } from '../src/detect/rules-doc.ts';

describe('rule catalogue', () => {
  test('every rule id is unique, belongs to its detector and has a level, a score and a description', () => {
    const seen = new Set<string>();
    for (const detector of DETECTORS) {
      assert.ok(detector.rules.length > 0, detector.category);
      for (const rule of detector.rules) {
        assert.equal(seen.has(rule.id), false, `${rule.id} twice`);
        seen.add(rule.id);
        assert.equal(rule.family, detector.category);
        assert.ok(rule.id.startsWith(`${detector.category}.`));
        assert.ok([1, 2, 3, 4].includes(rule.paranoia));
        assert.ok(rule.score > 0 && rule.description.length > 10, rule.id);
      }
    }
  });

  test('findings carry the score and level of their catalogue row', () => {
    const rows = new Map(DETECTORS.flatMap((d) => d.rules.map((r) => [r.id, r] as const)));
    const { findings } = createDetector({ paranoia: 4 }).inspect([
      {
        location: 'query.q',
        value: "1' UNION SELECT password FROM users-- <script>alert(1)</script> ; cat /etc/passwd",
        kind: 'query',
      },
    ]);
    assert.ok(findings.length >= 3);
    for (const f of findings) assert.equal(f.score, rows.get(f.rule)?.score, f.rule);
  });

  test('docs/rules.md is generated from the tables (node src/detect/rules-doc.ts > docs/rules.md)', () => {
    const page = readFileSync(new URL('../docs/rules.md', import.meta.url), 'utf8');
    assert.equal(page, rulesMarkdown());
  });
});
