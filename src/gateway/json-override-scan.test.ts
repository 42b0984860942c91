import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { JsonOverrideScan, MethodOverrideInBodyError } from './json-override-scan.ts';

async function scan(chunks: readonly string[]): Promise<string | Error> {
  const out: Buffer[] = [];
  try {
    for await (const chunk of Readable.from(chunks.map((c) => Buffer.from(c))).pipe(new JsonOverrideScan()))
      out.push(chunk as Buffer);
  } catch (error) {
    return error as Error;
  }
  return Buffer.concat(out).toString();
}

test('fails on a top-level _method member however the chunks split it, escapes included', async () => {
  for (const body of [
    '{"_method":"DELETE"}',
    '{"a":{"b":[1,"x"]},"_method":"DELETE"}',
    '{ "a" : "_method" , "\\u005fmethod" : "PUT" }',
    '{"a":"q\\"uote","_\\u006Dethod":1}',
  ]) {
    for (let at = 0; at <= body.length; at++) {
      const result = await scan([body.slice(0, at), body.slice(at)]);
      assert.ok(result instanceof MethodOverrideInBodyError, `${body} split at ${at}`);
    }
  }
});

test('passes bodies whose _method is a value, nested, in an array or longer, unchanged', async () => {
  for (const body of [
    '{"a":"_method"}',
    '{"a":{"_method":"DELETE"}}',
    '[{"_method":"DELETE"}]',
    '{"_methods":1,"x_method":2}',
    '"_method"',
    `{"big":"${'x'.repeat(100_000)}","n":[1,2,3]}`,
  ]) {
    assert.equal(await scan([body.slice(0, 3), body.slice(3)]), body, body.slice(0, 40));
  }
});
