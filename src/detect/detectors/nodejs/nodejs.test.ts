import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { viewsOf } from '../../decode/views.ts';
import { nodejsDetector } from './nodejs.ts';

const rules = (value: string) => nodejsDetector.detect(viewsOf(value), 'query', 'query.q').map((h) => h.rule);

describe('nodejs detector', () => {
  test('finds process access, compiled strings and node-serialize functions', () => {
    assert.deepEqual(rules("require('child_process').exec('id')"), ['nodejs.child-process']);
    assert.deepEqual(rules('process.mainModule.require("fs")'), ['nodejs.child-process']);
    assert.deepEqual(rules("this.constructor.constructor('return process')()"), [
      'nodejs.function-constructor',
    ]);
    assert.deepEqual(rules('{"rce":"_$$ND_FUNC$$_function(){require("child_process")}()"}').sort(), [
      'nodejs.child-process',
      'nodejs.serialized-function',
    ]);
    assert.deepEqual(rules('process.env.SECRET'), ['nodejs.global-access']);
    assert.deepEqual(rules('process.env.NODE_ENV + process.env.DB_PASSWORD'), ['nodejs.global-access']);
  });

  test('leaves prose about processes and constructors alone', () => {
    for (const value of [
      'the process is slow',
      'Require a child process review',
      'a new function was added',
      'constructor (see docs)',
      'esbuild --bundle --define:process.env.NODE_ENV=\\"production\\" --minify',
    ])
      assert.deepEqual(rules(value), [], value);
  });
});
