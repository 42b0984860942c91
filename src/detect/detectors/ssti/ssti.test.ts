// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal `${…}` lookups and templates.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { sstiDetector } from './ssti.ts';

/** The strongest score the detector gives one value. */
function strongest(value: string, kind: InputKind = 'query', location = 'query.q'): number {
  return Math.max(0, ...sstiDetector.detect(viewsOf(value), kind, location).map((hit) => hit.score));
}

/** The rules the detector reports for one value. */
function rules(value: string, kind: InputKind = 'query', location = 'query.q'): string[] {
  return sstiDetector.detect(viewsOf(value), kind, location).map((hit) => hit.rule);
}

describe('ssti detector', () => {
  test('finds object-graph walks and code execution in expressions', () => {
    assert.equal(strongest("{{ ''.__class__.__mro__[1].__subclasses__() }}"), 5);
    assert.equal(strongest('${T(java.lang.Runtime).getRuntime().exec("id")}'), 5);
    assert.equal(strongest('<%= `ls /` %>'), 5);
    assert.equal(strongest('{{config.items()}}'), 5);
    assert.equal(strongest('#set($x = $e.getClass().forName("java.lang.Runtime"))'), 5);
  });

  test('finds arithmetic probes and template statements', () => {
    assert.deepEqual(rules('{{7*7}}'), ['ssti.probe']);
    assert.equal(strongest("${7*'7'}"), 5);
    assert.equal(strongest('{% import os %}'), 5);
  });

  test('lets placeholders, shell variables and prose braces through', () => {
    for (const benign of [
      'Hello {{name}}',
      'cp {{path/to/file}} {{path/to/dest}}',
      'echo ${HOME}',
      'set {a, b}',
      '#{user_id}',
    ]) {
      assert.ok(strongest(benign) < 5, benign);
    }
  });

  test('finds Smarty blocks, lodash and ERB objects, Ruby commands and literal probes', () => {
    const rules = (value: string) =>
      sstiDetector.detect(viewsOf(value), 'query', 'query.q').map((h) => h.rule);
    assert.ok(rules('{php}echo `id`;{/php}').includes('ssti.object-walk'));
    assert.ok(rules('{$smarty.version}').includes('ssti.object-walk'));
    assert.ok(rules('{{= _.VERSION}}').includes('ssti.object-walk'));
    assert.ok(rules("<%= Dir.entries('/') %>").includes('ssti.object-walk'));
    assert.ok(rules('#{ %x|env| }').includes('ssti.object-walk'));
    assert.ok(rules("{{'a'.toUpperCase()}}").includes('ssti.probe'));
    assert.ok(rules('ih0vr{{364|add:733}}d121r').includes('ssti.probe'));
    assert.deepEqual(rules('Hello {{ user.name }}, your file is in the dir'), []);
  });

  test('finds polyglot probes of several engines without words', () => {
    assert.deepEqual(rules('${{<%[%\'"}}%\\.'), ['ssti.probe']);
    assert.deepEqual(rules('{{7*7}}${7*7}<%= 7*7 %>#{7*7}'), ['ssti.probe']);
    assert.ok(strongest('Use ${a}, {{b}} or <%= c %> in templates') < 5);
  });

  test('finds Django, Liquid and Handlebars statements, and Smarty and Latte assignments', () => {
    assert.equal(strongest('{% csrf_token %}'), 5);
    assert.equal(strongest('{% get_admin_log 10 as admin_log for_user user %}'), 5);
    assert.equal(strongest('{{#with "s" as |string|}}'), 5);
    assert.equal(strongest('{{#each conslist}}'), 5);
    assert.equal(strongest('{{/each}}'), 3);
    assert.equal(strongest('{var $X="POC"}{$X}'), 5);
    assert.equal(strongest('{math equation="x*y" x=7 y=7}'), 5);
    assert.equal(strongest('{@math key="5" method="add" operand="5"/}'), 5);
    assert.equal(strongest('a { @if $x { color: red } }'), 0);
    assert.equal(strongest('{{ messages.storages.0.signer.key }}'), 5);
    for (const benign of [
      'function f() {var x = 1}',
      'Hello {{name}}',
      'Price: {$amount}',
      '{{ a }} and {{ b }}',
    ])
      assert.equal(strongest(benign), 0, benign);
  });

  test('reads a variable through a filter from paranoia 2', () => {
    const filtered = sstiDetector.detect(viewsOf('<dd>{{ value|e }}</dd>'), 'query', 'query.q');
    assert.deepEqual(
      filtered.map((h) => [h.rule, h.paranoia, h.score]),
      [['ssti.filter', 2, 3]],
    );
    assert.deepEqual(rules('a || b'), []);
    assert.deepEqual(rules("{{ 'a'|e('js') }}"), ['ssti.filter']);
    assert.deepEqual(rules('{{ "foo"|upper }}'), ['ssti.filter']);
    assert.deepEqual(rules('string = "{{= username}}"'), ['ssti.expression']);
    assert.deepEqual(rules('{{=<% %>=}}'), []);
  });
});
