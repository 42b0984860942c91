import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { xssDetector } from './xss.ts';

/** The strongest score per rule for one value. */
function scores(value: string, kind: InputKind = 'query', location = 'query.q'): Map<string, number> {
  const out = new Map<string, number>();
  for (const hit of xssDetector.detect(viewsOf(value), kind, location))
    out.set(hit.rule, Math.max(out.get(hit.rule) ?? 0, hit.score));
  return out;
}

function strongest(value: string, kind?: InputKind, location?: string): number {
  return Math.max(0, ...scores(value, kind, location).values());
}

describe('xss detector', () => {
  test('finds script-capable tags and event handlers', () => {
    assert.equal(scores('<script>alert(1)</script>').get('xss.script-tag'), 5);
    assert.equal(scores('<iframe src=//evil.example>').get('xss.active-tag'), 5);
    assert.equal(scores('<svg/onload=alert(1)>').get('xss.event-handler'), 5);
    assert.equal(scores('<img src=x onerror="alert(1)">').get('xss.event-handler'), 5);
  });

  test('finds script URLs, also split by tabs and written as entities', () => {
    assert.equal(scores('<a href="javascript:alert(1)">x</a>').get('xss.script-url'), 5);
    assert.equal(strongest('java\tscript:alert(1)'), 5);
    assert.equal(strongest('<a href="&#106;avascript&colon;alert(1)">'), 5);
    assert.equal(strongest('data:text/html;base64,PHNjcmlwdD4='), 5);
  });

  test('finds CSS expressions and attribute breakouts', () => {
    assert.equal(scores('<div style="width: expression(alert(1))">').get('xss.css-expression'), 5);
    assert.equal(scores('" onmouseover="alert(1)').get('xss.attribute-breakout'), 5);
    assert.equal(strongest("';alert(String.fromCharCode(88,83,83))//"), 5);
  });

  test('sees through percent-encoding and full-width forms', () => {
    assert.equal(strongest('%3Cscript%3Ealert(1)%3C%2Fscript%3E'), 5);
    assert.equal(strongest('＜ｓｃｒｉｐｔ＞alert(1)'), 5);
  });

  test('lets ordinary markup, prose and code in Markdown through', () => {
    for (const benign of [
      '<p>Hello <b>world</b></p>',
      '<a href="https://example.com/docs">docs</a>',
      'Convert a CoffeeScript file to JavaScript: `decaffeinate path/to/file.coffee`',
      'More information: <https://example.com/page>.',
      'Use `x < y` when comparing',
      'Please confirm your order',
    ]) {
      assert.ok(strongest(benign) < 5, benign);
    }
  });

  test('finds script without markup: indirect calls, bracket access, navigation, JSFuck, UTF-7', () => {
    assert.equal(strongest('alert?.(document.domain)'), 5);
    assert.equal(strongest('alert.call(null,1)'), 5);
    assert.equal(scores("window['document']['cookie']").get('xss.bracket-access'), 5);
    assert.equal(scores('document["write"](1)').get('xss.bracket-access'), 5);
    assert.equal(scores('Reflect.apply(alert,null,[1])').get('xss.computed-call'), 5);
    assert.equal(scores('location=name').get('xss.location-assign'), 5);
    assert.equal(scores('[][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]]').get('xss.jsfuck'), 5);
    assert.equal(scores('+ADw-script+AD4-alert(1)+ADw-/script+AD4-').get('xss.encoded-markup'), 5);
    assert.equal(scores('\u00bcscript\u00bealert(1)\u00bc/script\u00be').get('xss.encoded-markup'), 5);
  });

  test('leaves code-like prose and data alone', () => {
    for (const value of [
      'my location = Berlin',
      'array[0] and window["size"]',
      'the alert was called twice',
      '[[1,2],[3,4]]',
      'AB+ADw',
      'price ¼ off',
    ])
      assert.equal(strongest(value, 'body', 'body.text'), 0, value);
  });

  test('reads a URL attribute as a URL whatever follows its colon, and finds sinks handed over as callbacks', () => {
    assert.equal(
      scores('<IMG\nSRC\n=\n"\nj\na\nv\na\ns\nc\nr\ni\np\nt\n:\na\nl\ne\nr\nt\n(1)">').get('xss.script-url'),
      5,
    );
    assert.equal(scores('[1].find(alert)').get('xss.computed-call'), 5);
  });
});
