import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsonMayHold, mayHoldPattern } from './prefilter.ts';
import { type Action, scanJson } from './redact-body.ts';
import { PATTERN_SOURCE, SENSITIVE_TYPES, type SensitiveType, scanText } from './scanner.ts';

const ALL: ReadonlySet<SensitiveType> = new Set(SENSITIVE_TYPES);

/** One real-looking value per type, each of which the scanner must find. */
const POSITIVES: Record<SensitiveType, string> = {
  card: '4111 1111 1111 1111',
  iban: 'GB82 WEST 1234 5698 7654 32',
  ssn: '123-45-6789',
  email: 'jane.doe@example.com',
  phone: '+14155550123',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  privateKey: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
  cloudKey: 'AKIAIOSFODNN7EXAMPLE',
  rampartKey: 'rmp_live_abcdefghijklmnopqrstuv',
};

const MORE_POSITIVES: readonly [SensitiveType, string][] = [
  ['card', '5555555555554444'],
  ['iban', 'DE89370400440532013000'],
  ['phone', '(415) 555-0123'],
  ['cloudKey', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'],
  ['cloudKey', `ghp_${'a'.repeat(36)}`],
  ['cloudKey', 'xoxb-1234567890-abcdefghij'],
  ['cloudKey', `sk_live_${'Z'.repeat(24)}`],
  ['cloudKey', 'ASIAQWERTYUIOPASDFGH'],
];

function regexFinds(text: string): boolean {
  return new RegExp(PATTERN_SOURCE).test(text);
}

/** A deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('sensitive-data scanner', () => {
  test('finds one value of every type, alone and inside surrounding text', () => {
    for (const [type, value] of [...Object.entries(POSITIVES), ...MORE_POSITIVES]) {
      for (const text of [value, `note: ${value} (copy)`]) {
        const types = scanText(text, ALL).map((match) => match.type);
        assert.ok(types.includes(type as SensitiveType), `${type} in ${JSON.stringify(text)}`);
      }
    }
  });

  test('leaves ordinary strings alone without running the pattern', () => {
    for (const text of ['SKU-000001', 'outdoor-living', 'Jane Doe', 'x'.repeat(70_000)]) {
      assert.equal(mayHoldPattern(text), false, text);
      assert.deepEqual(scanText(text, ALL), []);
    }
    assert.deepEqual(scanText('2026-01-01T10:00:00Z', ALL), []);
  });

  test('never skips a string the pattern could match (prefilter fuzzed against the pattern)', () => {
    const next = random(42);
    const alphabet = '0123456789 -.+()_AKISzaeyJghpousrxobklivmABCDEFGHWXYZ@';
    let matched = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const length = 9 + Math.floor(next() * 40);
      // Digit-heavy strings most of the time, so the numeric alternatives match often enough.
      const digitBias = next() < 0.5;
      for (let i = 0; i < length; i++) {
        const pick =
          digitBias && next() < 0.7 ? Math.floor(next() * 10) : Math.floor(next() * alphabet.length);
        text += alphabet[pick];
      }
      if (!regexFinds(text)) continue;
      matched++;
      assert.equal(mayHoldPattern(text), true, JSON.stringify(text));
    }
    assert.ok(matched > 1000, `only ${matched} fuzzed strings matched the pattern`);
  });

  test('needs every positive example to pass the prefilter', () => {
    for (const [type, value] of [...Object.entries(POSITIVES), ...MORE_POSITIVES]) {
      if (type === 'email' || type === 'privateKey') continue;
      assert.equal(mayHoldPattern(value), true, type);
    }
  });

  test('never skips a JSON body holding a value it would find (raw-body prefilter fuzzed)', () => {
    const next = random(7);
    const report = new Map<SensitiveType, Action>(SENSITIVE_TYPES.map((type) => [type, 'report']));
    const pieces = [
      ...Object.values(POSITIVES),
      ...MORE_POSITIVES.map(([, value]) => value),
      'SKU-000001',
      'ok',
      '2026-01-01',
      'Jane',
      '4111',
      '1111 1111',
    ];
    const numbers = [9.99, 42, 4111111111111111, 1.5e15, 4.111111111111111e15, 6011000990139424, 12];
    let found = 0;
    for (let n = 0; n < 3000; n++) {
      const items: unknown[] = [];
      const count = 1 + Math.floor(next() * 4);
      for (let i = 0; i < count; i++) {
        const roll = next();
        if (roll < 0.3) items.push(numbers[Math.floor(next() * numbers.length)]);
        else {
          let text = pieces[Math.floor(next() * pieces.length)]!;
          // Cut pieces so only some of them still hold a whole value.
          if (next() < 0.5) text = text.slice(0, Math.floor(next() * text.length));
          items.push(roll < 0.65 ? text : { note: `x ${text} y` });
        }
      }
      let raw = JSON.stringify({ items });
      // Some serializers escape characters a parser decodes again.
      if (next() < 0.2) raw = raw.replaceAll('@', '\\u0040').replaceAll('A', '\\u0041');
      const anything = scanJson(JSON.parse(raw), 'body', report, new Set(SENSITIVE_TYPES)).found.size > 0;
      if (!anything) continue;
      found++;
      assert.equal(jsonMayHold(raw, true, true), true, raw);
    }
    assert.ok(found > 300, `only ${found} fuzzed bodies held a value`);
  });

  test('lets a body of ordinary records skip the walk', () => {
    const raw = JSON.stringify({
      customer: 'bench',
      items: [{ sku: 'SKU-000001', quantity: 3, unitPrice: 9.99, note: 'ok', at: '2026-01' }],
    });
    assert.equal(jsonMayHold(raw, true, true), false);
    assert.equal(
      jsonMayHold(JSON.stringify({ n: 1.5e15 }).replace('1500000000000000', '1.5e15'), true, true),
      true,
    );
  });
});
