// Header and cookie values reach the engine as the application reads them: UTF-8 bytes as UTF-8.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDetector, inputsFromCookies, inputsFromHeaders } from '../src/detect/index.ts';

/** What Node's HTTP parser hands over for a UTF-8 field value: one latin1 character per byte. */
const asNodeReadsIt = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('header values', () => {
  test('UTF-8 bytes are inspected as the text they encode', () => {
    const [input] = inputsFromHeaders({ 'user-agent': asNodeReadsIt('Zoë Ångström ‹test›') });
    assert.equal(input?.value, 'Zoë Ångström ‹test›');
    const [cookie] = inputsFromCookies(`name=${asNodeReadsIt('Renée')}`).filter((i) => i.kind === 'cookie');
    assert.equal(cookie?.value, 'Renée');
  });

  test('bytes that are not UTF-8 stay as they came', () => {
    const [input] = inputsFromHeaders({ 'user-agent': 'caf\u00e9' });
    assert.equal(input?.value, 'caf\u00e9');
  });

  test('an attack encoded in UTF-8 full-width forms is still found in a header', () => {
    const detector = createDetector();
    const result = detector.inspect(
      inputsFromHeaders({ 'user-agent': asNodeReadsIt('＜script＞alert(1)＜/script＞') }),
    );
    assert.equal(result.blocked, true);
  });
});
