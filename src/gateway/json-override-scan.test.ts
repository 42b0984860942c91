import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { MethodOverrideInBodyError, withoutMethodOverride } from './json-override-scan.ts';

async function scan(chunks: readonly string[]): Promise<string | Error> {
  const out: Buffer[] = [];
  try {
    for await (const chunk of withoutMethodOverride(Readable.from(chunks.map((c) => Buffer.from(c)))))
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

test('finds _method split into single bytes, after a clean prefix past the replay limit too', async () => {
  const bytes = (text: string) => [...text];
  assert.ok((await scan(bytes('{"a":1,"_method":"PUT"}'))) instanceof MethodOverrideInBodyError);
  assert.ok((await scan(bytes('{"a":1,"_\\u006dethod":"PUT"}'))) instanceof MethodOverrideInBodyError);
  const padding = `"${'x'.repeat(64 * 1024)}"`;
  const clean = Array.from({ length: 20 }, (_, i) => `"k${i}":${padding}`).join(',');
  const late = `{${clean},"_method":"DELETE"}`;
  const chunks = late.match(/[\s\S]{1,16384}/g) ?? [];
  assert.ok((await scan(chunks)) instanceof MethodOverrideInBodyError);
  assert.equal(await scan([`{${clean}}`]), `{${clean}}`);
});

test('agrees with JSON.parse on generated bodies under random chunking', async () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const names = ['_method', 'method', '_methods', 'a', '\u00e9t\u00e9', '_Method', 'x\\u0041'];
  const value = (depth: number): unknown => {
    const r = random();
    if (depth > 2 || r < 0.4) return r < 0.2 ? 'te"xt\\u' : Math.floor(r * 1000);
    if (r < 0.7) return [value(depth + 1), value(depth + 1)];
    return Object.fromEntries(
      [0, 1, 2].map(() => [names[Math.floor(random() * names.length)]!, value(depth + 1)]),
    );
  };
  for (let i = 0; i < 400; i++) {
    const document = value(0);
    const body =
      random() < 0.5 ? JSON.stringify(document) : JSON.stringify(document).replaceAll('m', '\\u006d');
    const expected =
      document !== null &&
      typeof document === 'object' &&
      !Array.isArray(document) &&
      Object.hasOwn(document, '_method');
    const chunks: string[] = [];
    for (let at = 0; at < body.length; ) {
      const size = 1 + Math.floor(random() * 12);
      chunks.push(body.slice(at, at + size));
      at += size;
    }
    const result = await scan(chunks);
    assert.equal(result instanceof MethodOverrideInBodyError, expected, body);
    if (!expected) assert.equal(result, body);
  }
});
