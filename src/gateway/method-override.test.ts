import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overrideBodyKind, screenMethodOverride } from './method-override.ts';

const screen = (body: string, type: string) =>
  screenMethodOverride(Buffer.from(body, 'latin1'), type)?.toString('latin1');

test('knows the body kinds frameworks read _method from', () => {
  assert.equal(overrideBodyKind('application/x-www-form-urlencoded; charset=utf-8'), 'form');
  assert.equal(overrideBodyKind('Multipart/Form-Data; boundary=x'), 'multipart');
  assert.equal(overrideBodyKind('application/vnd.api+json'), 'json');
  assert.equal(overrideBodyKind('text/plain'), undefined);
  assert.equal(overrideBodyKind(undefined), undefined);
});

test('removes every spelling of _method from a form and keeps the rest byte for byte', () => {
  const form = 'application/x-www-form-urlencoded';
  assert.equal(screen('_method=DELETE', form), '');
  assert.equal(screen('a=1&_method=PUT&_method=DELETE&b=%E2%9C%93', form), 'a=1&b=%E2%9C%93');
  assert.equal(screen('a=1&%5f%6Dethod=PUT', form), 'a=1');
  assert.equal(screen('a=1&_method', form), 'a=1');
  assert.equal(screen('a=%zz&b=2', form), 'a=%zz&b=2');
});

test('removes _method parts from multipart bodies, quoted boundaries and name* included', () => {
  const type = 'multipart/form-data; boundary="b-1"';
  const part = (disposition: string, value: string) =>
    `--b-1\r\nContent-Disposition: ${disposition}\r\n\r\n${value}\r\n`;
  const keep = part('form-data; name="a"', '1');
  const body = `${keep}${part('form-data; name="_method"', 'DELETE')}${part("form-data; name*=utf-8''%5Fmethod", 'PUT')}--b-1--\r\n`;
  assert.equal(screen(body, type), `${keep}--b-1--\r\n`);
  const clean = `${keep}--b-1--\r\n`;
  assert.equal(screen(clean, type), clean);
  assert.equal(screen('no boundary here', 'multipart/form-data'), 'no boundary here');
});

test('refuses JSON bodies with a top-level _method and leaves others alone', () => {
  const json = 'application/json';
  assert.equal(screen('{"_method":"DELETE"}', json), undefined);
  assert.equal(screen('{"_METHOD":"DELETE"}', json), '{"_METHOD":"DELETE"}');
  assert.equal(screen('{"a":{"_method":"DELETE"}}', json), '{"a":{"_method":"DELETE"}}');
  assert.equal(screen('[{"_method":"DELETE"}]', json), '[{"_method":"DELETE"}]');
  assert.equal(screen('{"method":"card"}', json), '{"method":"card"}');
  assert.equal(screen('not json, method', json), 'not json, method');
});
