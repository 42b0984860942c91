import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import type { InputKind } from '../../types.ts';
import { crlfDetector } from './crlf.ts';

/** The strongest score the detector gives one value. */
function strongest(value: string, kind: InputKind = 'query', location = 'query.q'): number {
  return Math.max(0, ...crlfDetector.detect(viewsOf(value), kind, location).map((hit) => hit.score));
}

/** The rules the detector reports for one value. */
function rules(value: string, kind: InputKind = 'query', location = 'query.q'): string[] {
  return crlfDetector.detect(viewsOf(value), kind, location).map((hit) => hit.rule);
}

describe('crlf detector', () => {
  test('finds injected header fields and response splitting', () => {
    assert.deepEqual(rules('en%0d%0aSet-Cookie:crlf=injection'), ['crlf.header-injection']);
    assert.equal(strongest('/%E5%98%8A%E5%98%8DLocation:https://evil.example/'), 5);
    assert.equal(strongest('x%0d%0a%0d%0a<script>alert(1)</script>'), 5);
    assert.equal(strongest('%250aX-Injected:1'), 5);
  });

  test('flags any line break inside a header value', () => {
    assert.equal(strongest('Mozilla\r\nfoo', 'header', 'header.user-agent'), 5);
  });

  test('lets multi-line text with colons through', () => {
    assert.equal(strongest('Dear team,\nNote: the meeting moved.\nThanks', 'body', 'body.text'), 0);
    assert.equal(strongest('apiVersion: v1\nkind: Pod\nserver: https://k8s', 'body', 'body.yaml'), 0);
  });

  test('an encoded line break in a cookie or Referer is judged by what follows it', () => {
    assert.equal(strongest('line%0Aother', 'cookie', 'cookie.note'), 0);
    assert.equal(strongest('https://a.example/?q=a%0Ab', 'header', 'header.referer'), 0);
    assert.equal(strongest('en%0d%0aSet-Cookie:x=1', 'cookie', 'cookie.lang'), 5);
  });

  test('a document quotes headers, HTML and licence prose; an injection starts at its first line break', () => {
    const readme = [
      '# redact',
      '',
      'Removes secrets from objects:',
      '',
      'headers: {',
      "Cookie: 'secret-session'",
      '}',
      '<script src="node_modules/x/x.js"></script>',
      'this list of conditions and the following disclaimer.',
      'a copy of this software and associated documentation files',
    ].join('\n');
    assert.deepEqual(rules(readme, 'body'), []);
    // Sent encoded, the same breaks are no document's formatting.
    assert.deepEqual(rules('x%0d%0a%0d%0a%0d%0a%0d%0aHTTP/1.1 200 OK%0d%0a<html>', 'body'), [
      'crlf.response-splitting',
    ]);
    assert.deepEqual(rules('x\r\nSet-Cookie: a=1\r\n\r\n1\r\n2\r\n3', 'body'), ['crlf.header-injection']);
    // IMAP commands: a numbered tag, or the verb in capitals.
    assert.deepEqual(rules('INBOX\r\nA LOGIN admin secret', 'body'), ['crlf.mail-command']);
    assert.deepEqual(rules('x\r\nv101 fetch 4791', 'body'), ['crlf.mail-command']);
    assert.deepEqual(rules('Notes\r\na copy of the slides', 'body'), []);
    assert.deepEqual(rules('function x() {\r\nfunction createServer() {}', 'body'), []);
  });

  test('finds mail header injection and SMTP/IMAP commands after a line break', () => {
    assert.deepEqual(rules('victim@example.com%0d%0aBcc: all@example.org'), ['crlf.mail-header']);
    assert.deepEqual(rules('x\r\nRCPT TO:<y@example.org>', 'body'), ['crlf.mail-command']);
    assert.deepEqual(rules('hi\r\n.\r\nMAIL FROM:<x@evil.example>', 'body'), ['crlf.mail-command']);
    assert.deepEqual(rules('INBOX\r\na002 LOGOUT', 'body'), ['crlf.mail-command']);
    for (const text of [
      '---------- Forwarded message ---------\nFrom: Ann <a@example.com>\nDate: Mon, 2 Dec 2024\nSubject: Q3\nTo: team@example.com',
      'Agenda\nData review at 10',
      'Hi\nQuite good',
      'Hello\nfrom the team',
    ])
      assert.deepEqual(rules(text, 'body'), [], text);
  });

  test('from paranoia 2, a URL or header value of bare line breaks, or escaped ones', () => {
    const found = (value: string, kind: InputKind) =>
      crlfDetector.detect(viewsOf(value), kind, kind).map((h) => `${h.rule}@${h.paranoia}`);
    assert.deepEqual(found('%0d%0a%0d%0a', 'query'), ['crlf.line-break@2']);
    assert.deepEqual(found('abc\\r\\n', 'cookie'), ['crlf.line-break@2']);
    assert.deepEqual(found('0x0d0x0a', 'path'), ['crlf.line-break@2']);
    // Lines of text (a GET form's text area) and bodies are not probes.
    assert.deepEqual(found('first line%0Asecond line', 'query'), []);
    assert.deepEqual(found('\r\n', 'body'), []);
  });
});
