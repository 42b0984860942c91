// The XSS rules for context escapes, script built in pieces, CSS injection, XSLT and namespaces:
// each with the attacks it finds and the benign look-alikes it must leave alone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { xssDetector } from './xss.ts';

/** The strongest score per rule for one value. */
function scores(value: string, kind: InputKind = 'query'): Map<string, number> {
  const out = new Map<string, number>();
  for (const hit of xssDetector.detect(viewsOf(value), kind, `${kind}.q`))
    out.set(hit.rule, Math.max(out.get(hit.rule) ?? 0, hit.score));
  return out;
}

/** The points a value scores at a paranoia level (each rule once, at its strongest). */
function points(value: string, paranoia = 1, kind: InputKind = 'query'): number {
  const best = new Map<string, number>();
  for (const hit of xssDetector.detect(viewsOf(value), kind, `${kind}.q`))
    if (hit.paranoia <= paranoia) best.set(hit.rule, Math.max(best.get(hit.rule) ?? 0, hit.score));
  return [...best.values()].reduce((sum, score) => sum + score, 0);
}

function assertRule(rule: string, attacks: readonly string[], benign: readonly string[]): void {
  for (const value of attacks) assert.ok(scores(value).has(rule), `${rule} should find ${value}`);
  for (const value of benign) assert.equal(scores(value).get(rule), undefined, `${rule} found ${value}`);
}

describe('xss: leaving a context', () => {
  test('a run of punctuation that closes quotes, a comment and a CDATA section at once', () => {
    assertRule(
      'xss.context-breaker',
      ['</html>//["\'`-->]]>]</div>', '<root/>//["\'`-->]]>]', "'*/-->", 'x"?>]]>'],
      [
        'A --> B --> C',
        '<!-- note --> text',
        '//]]>\n-->',
        'type "-->" to close a comment',
        '"]]>" ends CDATA and "-->" a comment',
        '/* a */ --> b',
      ],
    );
  });

  test("Netscape's JavaScript entity as an attribute value (the XSS locator)", () => {
    assertRule(
      'xss.js-entity',
      ["'';!--\"<XSS>=&{()}", '<br size="&{alert(1)}">', "<p title='&{x()}'>"],
      ['$r=&{Get-Date}', 'a && {b}', 'echo x&{y}', 'R&{D} budget'],
    );
  });

  test('a comment of the page closed at the start or opened at the end, from paranoia 2', () => {
    for (const value of ['-->', '-->{}', '--><!--*{color:red}', '<![endif]-->', 'Exploit String: <!--'])
      assert.equal(points(value, 1), 0, value);
    for (const value of ['-->', '<![endif]-->', 'x <!--']) assert.equal(points(value, 2), 3, value);
    for (const value of ['A --> B', '<!-- note -->', 'use <!-- and --> in HTML'])
      assert.equal(scores(value).get('xss.comment-breakout'), undefined, value);
  });

  test('an XHTML end tag of a script element, and a script end tag at the start of a path segment', () => {
    assert.equal(scores('</html:script>').get('xss.script-breakout'), 5);
    assert.equal(scores('/eval/</script>', 'path').get('xss.script-breakout'), 5);
    assert.equal(scores('see /docs/</script> here', 'query').get('xss.script-breakout'), undefined);
  });
});

describe('xss: script in pieces', () => {
  test('string pieces folded through variables and constant ternaries', () => {
    assertRule(
      'xss.string-built',
      [
        "s1=''+'java'+''+'scr'+'';s2=''+'ipt'+':'+'ale'+'';s3=''+'rt'+''+'(1)'+''; u1=s1+s2+s3;URL=u1",
        "s1=0?'1':'i'; s2=0?'1':'fr'; s3=0?'1':'ame'; i1=s1+s2+s3;",
        "var a='docu', b='ment'; c=a+b",
        "x=true?'ale':'';y=x+'rt(1)'",
      ],
      [
        "greeting='Hello, '+'world'; msg=greeting+'!'",
        "a=0?'x':'y'; b=a+'z'",
        'if (a == "java") b = "script"',
        "first='Ada'; last='Lovelace'; name=first+' '+last",
      ],
    );
  });

  test('a script element whose angle brackets were stripped', () => {
    assertRule(
      'xss.bracketless-script',
      [
        'scriptalert(1)/script',
        '-1scriptdocument.cookie=true;/script',
        '>"scriptdocument.cookie=true;/script',
      ],
      [
        'Transcriptalert: see /script',
        'javascript alert /script',
        'script alert(1) /script docs',
        'the /script folder',
      ],
    );
  });

  test('a tagged template call whose backticks are escaped for the string it is written into', () => {
    assert.equal(points('alert\\`1\\`'), 5);
    assert.equal(points('alert\\\\`1\\\\`'), 5);
  });

  test('markup in UTF-7, also in IMAP form (`&` shifts) without closing dashes', () => {
    const imap =
      '&ADz&AGn&AG0&AEf&ACA&AHM&AHI&AGO&AD0&AGn&ACA&AG8Abg&AGUAcgByAG8AcgA9AGEAbABlAHIAdAAoADEAKQ&ACAAPABi';
    assertRule(
      'xss.encoded-markup',
      [imap, '+ADw-script+AD4-alert(1)', '&ADw-img src=x&AD4-', '+ADwAcwB2AGc-'],
      ['C++ ADwords', 'AT&T and Q&A', 'a=1&AGE=30&ADDR=x', '+ADw', 'R&D +AD-'],
    );
  });
});

describe('xss: two layers of encoding', () => {
  test('text spelled in numeric references that is itself escaped counts at paranoia 1', () => {
    for (const value of [
      '#98&#92&#105&#92&#110&#100&#92&#105&#110&#92&#103:&',
      '&#92&#47&#120&#98&#108&#92&#47&#120&#98&#108&#92',
      '&#46&#120&#109&#108&#92&#35&#120&#115&#115&#41&>',
      '&#37;&#51;&#67;&#115;&#118;&#103;',
    ])
      assert.equal(scores(value).get('xss.reference-spelled.escapes'), 5, value);
    // An address hidden from harvesters is plain referenced text: paranoia 2 only.
    const mail = [...'mailto:joe@example.com'].map((c) => `&#${c.charCodeAt(0)};`).join('');
    assert.equal(scores(mail).get('xss.reference-spelled'), 3);
    assert.equal(scores(mail).get('xss.reference-spelled.escapes'), undefined);
    assert.equal(points(mail), 0);
    assert.equal(points('C:&#92; drive'), 0);
  });
});

describe('xss: CSS injection', () => {
  test("IE's expression declared with something before its parenthesis", () => {
    assertRule(
      'xss.css-expression',
      ['x:expression8write(1)9>', 'width: expression/**/(alert(1))'],
      ['a regular expression (regex)', '{"type":"expression"}', 'kind: expression', 'expression(1)'],
    );
  });

  test('style attributes written to be read differently by browsers and filters', () => {
    for (const value of [
      '<div style="font-family:foo}color=red;">XXX',
      '<div style="font-family:\'foo&#10;;color:red;\';">XXX',
      '<div style="background:url(/f#[a]oo/;color:red/*/foo.jpg);">X',
      '<x style="background:url(\'x&#1;;color:red;/*\')">XXX</x>',
      '<div style="font-family:\'sans\\27\\2F\\2A\\22\\2A\\2F\\3B color\\3Ared\\3B\'">X</div>',
      '<div style="\\63olor:red">x</div>',
    ]) {
      assert.equal(scores(value).get('xss.style-quirk'), 3, value);
      assert.ok(points(value) >= 5, value);
    }
    for (const value of [
      '<p style="color: rgb(0,0,0); font-family: \'Times New Roman\', serif">x</p>',
      '<p style="background:url(data:image/png;base64,iVBORw0KGgo=)">x</p>',
      '<p style="font-family:\\5FAE\\8F6F\\96C5\\9ED1">x</p>',
      "<q style=\"quotes:'\\201C' '\\201D'\">x</q>",
      '<p style="color: red;\n  font-size: 12px">x</p>',
    ])
      assert.equal(scores(value).get('xss.style-quirk'), undefined, value);
  });

  test('SVG documents loaded from CSS as masks, content or fonts; pictures pass', () => {
    for (const value of [
      '<rect style="clip-path:url(test3.svg#a)"/>',
      '<path d="M0,0" style="marker-start:url(test4.svg#a)"/>',
      '<div style=content:url(test2.svg)></div>',
    ])
      assert.equal(scores(value).get('xss.css-svg-resource'), 3, value);
    for (const value of [
      '<div style="background:url(icons.svg)">x</div>',
      '<div style="background-image:url(\'/img/a.svg#x\')">x</div>',
      '<div style="list-style-image:url(dot.svg)">x</div>',
      '<div style="mask:url(m.png)">x</div>',
    ])
      assert.equal(scores(value).get('xss.css-svg-resource'), undefined, value);
    assertRule(
      'xss.css-svg-font',
      ['@font-face {font-family: y; src: url("font.svg#x") format("svg");} body {font: 100px "y";}'],
      ['@font-face{font-family:x;src:url(x.woff2) format("woff2")}', 'see logo.svg in @font-face docs'],
    );
  });
});

describe('xss: XSLT and namespaces', () => {
  test('XSLT stylesheets and the instruction that applies one', () => {
    assertRule(
      'xss.xslt',
      [
        '<xsl:stylesheet id="s" version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">',
        '</xsl:template>',
        '<!ATTLIST xsl:stylesheet',
        '<?xml-stylesheet type="text/xsl" href="#" ?>',
        '<?xml-stylesheet type="text/xml" href="#stylesheet"?>',
        '<stylesheet xmlns="http://www.w3.org/TR/WD-xsl">',
      ],
      ['<?xml-stylesheet type="text/css" href="a.css"?>', 'convert it with the xsl: prefix', 'report.xsl'],
    );
  });

  test('a prefix bound to XHTML or SVG, and IE prefixes declared without a URI', () => {
    assertRule(
      'xss.namespace-binding',
      [
        '<doc xmlns:html="http://www.w3.org/1999/xhtml">',
        "<html:html xmlns:html='http://www.w3.org/1999/xhtml'>",
        'xmlns:svg="http://www.w3.org/2000/svg">',
        '<HTML xmlns:xss>',
      ],
      [
        '<svg xmlns="http://www.w3.org/2000/svg">',
        '<a xmlns:xlink="http://www.w3.org/1999/xlink">',
        '<feed xmlns:media="http://search.yahoo.com/mrss/">',
        'set xmlns:x> in the docs',
      ],
    );
  });

  test('DTD attribute defaults that add the XHTML namespace or a handler', () => {
    assertRule(
      'xss.dtd-attributes',
      [
        '<!ATTLIST img xmlns CDATA "http://www.w3.org/1999/xhtml" src CDATA "xx:x"',
        '<!ATTLIST img onerror CDATA "alert(1)">',
      ],
      ['<!ATTLIST item id ID #REQUIRED>', '<!ATTLIST note lang CDATA "en">'],
    );
  });
});

describe('xss: addresses', () => {
  test('a host in absolute DNS form or a dotless scheme-relative host in a link', () => {
    assertRule(
      'xss.disguised-host',
      ['<A HREF="http://www.google.com./">XSS</A>', '<A HREF="//google">XSS</A>'],
      [
        '<a href="https://example.com/">x</a>',
        '<a href="//cdn.example.com/x.js">x</a>',
        '<a href="//localhost:3000/">x</a>',
        '<a href="https://example.com/a.b./c">x</a>',
      ],
    );
  });

  test("a program's URL handler given command-line arguments", () => {
    assertRule(
      'xss.legacy-scheme',
      ['aim: &c:\\windows\\system32\\calc.exe" ini="C:\\pwnd.bat"', 'firefoxurl: &x'],
      ['Our aim: to ship', 'aim:true', '{"aim":"win"}', 'aim: and purpose'],
    );
  });

  test('a window opened by script counts from paranoia 2', () => {
    assert.equal(points("window.open('popup.html','spam'+i,'width=50,height=50');", 1), 0);
    assert.equal(points("window.open('popup.html','spam'+i,'width=50,height=50');", 2), 3);
    assert.equal(points('call window.open() to show it', 2), 0);
  });
});
