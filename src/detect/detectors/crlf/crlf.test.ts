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
});
