import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { MultipartPartFilter } from './multipart-filter.ts';

const part = (name: string, value: string) =>
  `--XyZ\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const dropped = (headers: string) => headers.includes('name="_method"');

async function filtered(chunks: readonly string[]): Promise<string> {
  const out: Buffer[] = [];
  const filter = new MultipartPartFilter('XyZ', dropped);
  const done = Readable.from(chunks.map((chunk) => Buffer.from(chunk, 'latin1'))).pipe(filter);
  for await (const chunk of done) out.push(chunk as Buffer);
  return Buffer.concat(out).toString('latin1');
}

const body = `preamble\r\n${part('a', '1')}${part('_method', 'DELETE')}${part('file', 'x'.repeat(300))}--XyZ--\r\n`;
const expected = `preamble\r\n${part('a', '1')}${part('file', 'x'.repeat(300))}--XyZ--\r\n`;

test('drops the _method part wherever the chunks split the body', async () => {
  assert.equal(await filtered([body]), expected);
  for (let at = 1; at < body.length; at++)
    assert.equal(await filtered([body.slice(0, at), body.slice(at)]), expected, `split at ${at}`);
  assert.equal(await filtered([...body]), expected, 'one byte at a time');
});

test('passes a body without _method parts unchanged', async () => {
  const clean = `${part('a', '1')}${part('b', '2')}--XyZ--\r\n`;
  assert.equal(await filtered([clean.slice(0, 7), clean.slice(7)]), clean);
});

test('stops filtering, passing the rest through, when part headers never end', async () => {
  const endless = `--XyZ\r\nContent-Disposition: form-data; name="a"; x="${'y'.repeat(20_000)}`;
  assert.equal(await filtered([endless.slice(0, 10_000), endless.slice(10_000)]), endless);
});
