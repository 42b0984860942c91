// The eval's inert-xml rule (bench/detect-inert-xml.ts): XML that declares, references and loads
// nothing and holds at most two words is set aside; markup that can carry anything is counted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inertReason } from '../bench/detect-inert.ts';
import { isInertXml } from '../bench/detect-inert-xml.ts';

describe('inert markup', () => {
  test('sets aside documents and fragments that declare, reference and load nothing', () => {
    for (const line of [
      '<?xml version="1.0" encoding="ISO-8859-1"?>',
      '<?xml version="1.0"?><methodCall><methodName>demo.sayHello</methodName><params></params></methodCall>',
      '<?xml version="1.0"?><change-log><text>Hello World</text></change-log>',
      '<test></test>',
      '<![CDATA[<test></test>]]>',
      '&lt;Tnn96&gt;',
    ]) {
      assert.equal(isInertXml(line), true, line);
      // The HTML markup rule may claim a line first (`<test></test>` is inert to both).
      assert.ok(['inert-markup', 'inert-xml'].includes(inertReason(line, new Set()) ?? ''), line);
    }
  });

  test('never sets aside markup that declares, references, loads, runs or says something', () => {
    for (const line of [
      // DTDs, entities, external identifiers, XInclude, stylesheets, processing instructions.
      '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>',
      '<!DOCTYPE html><p>hi</p>',
      '<change-log> <text>&systemEntity;</text> </change-log>',
      '&foo;',
      '<foo xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></foo>',
      '<?xml-stylesheet href="http://evil.example/x.xsl"?><a/>',
      '<?php system($_GET[1]); ?>',
      '&lt;?Tnn96 ?&gt;',
      '&lt;%= Tnn96 %&gt;',
      // Attributes, and elements HTML renders or runs.
      '<a href="http://1113982867/">x</a>',
      '<x onload=alert(1)>',
      '<script>alert</script>',
      '<h1>INJECTX</h1>',
      '<b>',
      '<svg></svg>',
      '&lt;script&gt;&lt;/script&gt;',
      '<![CDATA[<script>x</script>]]>',
      // Text that can make a statement, break out of a string or reach a URL.
      "<name>','')); phpinfo(); exit;/*</name>",
      '<id>1 or 1</id>',
      '<q>union select password</q>',
      '<text>&quot;Hello World&quot;</text>',
      "<a>'</a>",
      '<url>http://example.com</url>',
      '<?xml version="1.0" encoding="utf-16"?><methodCall><methodName>pingback.ping</methodName><params><param><value><string>http://victim.example/</string></value></param></params></methodCall>',
      '<methodCall><methodName>wp.getUsersBlogs</methodName><params><param><value>admin</value></param><param><value>hunter2</value></param></params></methodCall>',
      // Words without markup are not this rule's to judge.
      'Hello World',
    ])
      assert.equal(isInertXml(line), false, line);
  });
});
