// The eval's inert-line rules (bench/detect-inert.ts): catalogue text and one-token probes are set
// aside, every line that carries a payload in some context is counted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inertReason, splitInert } from '../bench/detect-inert.ts';

const reason = (line: string, titles: readonly string[] = []) => inertReason(line, new Set(titles));

describe('inert corpus lines', () => {
  test('sets aside catalogue fields and titles, bare handler names, lone characters, annotations, end tags', () => {
    const cases: [string, string][] = [
      ['Exploit Name: Dword Encoding', 'catalogue-label'],
      ['Exploit Description: URL string evasion', 'catalogue-label'],
      ['Exploit Tags: general, evil tags', 'catalogue-label'],
      ['Author Name: ha.ckers.org', 'catalogue-label'],
      ['onload', 'handler-name'],
      ['onMouseOver', 'handler-name'],
      ['<', 'lone-character'],
      ['%3C', 'lone-character'],
      ['&lt;', 'lone-character'],
      ['&#x00003C', 'lone-character'],
      ['\\u003c', 'lone-character'],
      ["'", 'lone-character'],
      ['<!-- IE 6-9 -->', 'annotation'],
      ['#Google.com:', 'annotation'],
      ['</body></html>', 'end-tags'],
      ['  </svg:mask>', 'end-tags'],
      ['<div id="39"><!-- up to Opera 11.52, FF 3.6.28 -->', 'inert-markup'],
      ['<div id="43"><?xml version="1.0" standalone="no"?>', 'inert-markup'],
      ['<h1>INJECTX</h1>', 'inert-markup'],
      ['<br/><hr/>', 'inert-markup'],
      ['<circle r="400"></circle>', 'inert-markup'],
      ['<a id="x"><rect fill="white" width="1000" height="1000"/></a>', 'inert-markup'],
      ['    <svg:circle cx="0.45" cy="0.7" r="0.075" fill="white"/>', 'inert-markup'],
      ['<div id="132"><!doctype html>', 'inert-markup'],
    ];
    for (const [line, why] of cases) assert.equal(reason(line), why, line);
  });

  test('a title is inert only when its file names it as an entry', () => {
    const lines = [
      'Exploit Name: Dword Encoding',
      'Dword Encoding',
      'Exploit String: <A HREF="http://1113982867/">',
    ];
    const { payloads, inert } = splitInert(lines);
    assert.deepEqual(payloads, ['Exploit String: <A HREF="http://1113982867/">']);
    assert.deepEqual(
      inert.map((i) => i.reason),
      ['catalogue-label', 'catalogue-title'],
    );
    assert.equal(reason('union select password from users'), undefined);
  });

  test('never sets aside a payload', () => {
    for (const line of [
      'a=alert,a(1)',
      '<a href="http://1113982867/">x</a>',
      '<div style="background:url(javascript:alert(1))">',
      'alert(1)',
      'javascript:alert(1)',
      'onload=alert(1)',
      'whoami',
      '*',
      '%2a',
      '%00',
      '&foo;',
      '</script>',
      '</title><script>alert(1)</script>',
      '</svg>',
      '<!--[if gte IE 4]>',
      '<!--#exec cmd="id"-->',
      '#{7*7}',
      'Exploit String: <!--',
      // Markup that links, loads, styles, handles events, submits or changes the document's structure.
      '<a href="http://attacker.example">x</a>',
      '<div style="position:absolute">x</div>',
      '<div id="x" onclick="go()">x</div>',
      '<img src="x">',
      '<svg:svg>',
      '<math>',
      '<form>',
      '<input name="username" value="admin" />',
      '<body>',
      '<html xmlns="http://www.w3.org/1999/xhtml">',
      '<svg:mask id="m" maskUnits="objectBoundingBox">',
      '<!--[if IE]><b>x</b>',
      // Text that some context reads as code, and tags a filter may not close.
      "<b>it's</b>",
      '<b>x</b>--',
      '<b>alert(1)</b>',
      '<b id="a" "x">',
      '<b',
      'XXX',
    ])
      assert.equal(reason(line), undefined, line);
  });
});
