// docs/rules.md, generated from the rule catalogue (each detector's table). Regenerate with
// `node src/detect/rules-doc.ts > docs/rules.md`; a test fails while the page is out of date.
import { DETECTORS } from './detectors/index.ts';
import type { Rule } from './rules.ts';

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** The catalogue as Markdown: one table per detector. */
export function rulesMarkdown(): string {
  const lines = [
    '# Detection rules',
    '',
    'Generated from the rule tables in `src/detect/detectors/*/rules.ts` by `src/detect/rules-doc.ts`;',
    'do not edit by hand (`node src/detect/rules-doc.ts > docs/rules.md`).',
    '',
    'A rule counts from its paranoia level up. Its score adds to the anomaly score of its location; the',
    'request is blocked when that reaches the threshold (by default 5 at paranoia 1, 3 at paranoia 2 and 3,',
    '2 at paranoia 4). An exclusion naming a rule id (`sqli.tautology`) also covers its variants',
    '(`sqli.tautology.weak`); naming a family (`sqli`) covers all of its rules.',
    '',
    'In a document (a value sent as five or more lines and at least 200 characters: a README, a changelog,',
    'a comment holding code), a rule with a level under "in documents" counts from that level instead:',
    'these are constructs technical documents hold as content. Other rules count as anywhere else.',
    '',
  ];
  let total = 0;
  for (const detector of DETECTORS) {
    lines.push(
      `## ${detector.category}`,
      '',
      '| rule | paranoia | in documents | score | finds |',
      '|---|---|---|---|---|',
    );
    const rules: Rule[] = [...detector.rules].sort(
      (a, b) => a.paranoia - b.paranoia || b.score - a.score || a.id.localeCompare(b.id),
    );
    for (const rule of rules)
      lines.push(
        `| \`${rule.id}\` | ${rule.paranoia} | ${rule.documents ?? ''} | ${rule.score} | ${cell(rule.description)} |`,
      );
    total += rules.length;
    lines.push('');
  }
  lines.push(`${total} rules in ${DETECTORS.length} detectors.`, '');
  return lines.join('\n');
}

if (import.meta.main) process.stdout.write(rulesMarkdown());
