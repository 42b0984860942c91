// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal `${…}` expressions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import { javaDetector } from './java.ts';

function rules(value: string, kind: 'query' | 'key' | 'path' = 'query'): string[] {
  return javaDetector.detect(viewsOf(value), kind, 'query.q').map((h) => h.rule);
}

describe('java detector', () => {
  test('finds gadget classes, reflection and serialized streams in every encoding', () => {
    assert.ok(rules('java.lang.Runtime').includes('java.gadget-class'));
    assert.ok(
      rules('org.apache.commons.collections.functors.InvokerTransformer').includes('java.gadget-class'),
    );
    assert.ok(rules('Runtime.getRuntime().exec("id")').includes('java.reflection'));
    assert.ok(rules('Class.forName("java.lang.Runtime")').includes('java.reflection'));
    assert.ok(rules('rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA').includes('java.serialized'));
    assert.ok(rules('aced00057372').includes('java.serialized'));
    assert.ok(rules('\u00ac\u00ed\u0000\u0005sr').includes('java.serialized'));
  });

  test('finds OGNL, SpEL and EL expressions and class loader paths', () => {
    assert.ok(rules("%{(#_memberAccess['allowStaticMethodAccess']=true)}").includes('java.expression'));
    assert.ok(rules('${T(java.lang.Runtime).getRuntime()}').includes('java.expression'));
    assert.ok(rules("#{''.getClass().forName('java.lang.Runtime')}").includes('java.expression'));
    assert.ok(rules('${applicationScope}').includes('java.expression'));
    assert.ok(rules('#{request.getSession()}').includes('java.expression.probe'));
    assert.ok(
      rules('class.module.classLoader.resources.context.parent.pipeline.first.pattern', 'key').includes(
        'java.classloader',
      ),
    );
    assert.ok(rules("class['classLoader']").includes('java.classloader'));
  });

  test('a base64 stream that starts a request path segment, but not one inside a base64 text', () => {
    assert.ok(rules('/api/session/rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA', 'path').includes('java.serialized'));
    assert.deepEqual(rules('/img/AAAA/rO0ABXNy', 'query'), []);
    assert.deepEqual(rules('/docs/rO0-is-a-tag', 'path'), []);
  });

  test('leaves look-alikes alone', () => {
    for (const value of [
      'My runtime is 5 minutes',
      'rO0 is not a prefix here',
      'color #{brand}',
      'total: ${price}',
      'an id part: xaced0005',
      'the class loader of the app',
      'java.util.List<String>',
      'Hello {name}, see docs.example.com',
    ])
      assert.deepEqual(rules(value), [], value);
  });
});
