import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDetector } from '../engine.ts';
import { inputsFromBody } from './body.ts';
import { inputsFromMultipart, MULTIPART_LIMITS } from './multipart.ts';

const TYPE = 'multipart/form-data; boundary=----x';

/** A multipart body as curl -F writes it. */
function form(parts: readonly { name: string; value: string; filename?: string; type?: string }[]): Buffer {
  let text = '';
  for (const p of parts) {
    text += `------x\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined)
      text += `; filename="${p.filename}"\r\nContent-Type: ${p.type ?? 'text/plain'}`;
    text += `\r\n\r\n${p.value}\r\n`;
  }
  return Buffer.from(`${text}------x--\r\n`);
}

describe('multipart/form-data', () => {
  test('reads part names, values, filenames and text file contents as their own inputs', () => {
    const inputs = inputsFromMultipart(
      form([
        { name: 'name', value: 'John' },
        { name: 'avatar', value: 'hello\nworld', filename: 'notes.txt' },
      ]),
      TYPE,
    );
    assert.deepEqual(inputs, [
      { location: 'body.name', value: 'name', kind: 'key' },
      { location: 'body.name', value: 'John', kind: 'body' },
      { location: 'body.avatar', value: 'avatar', kind: 'key' },
      { location: 'body.avatar@filename', value: 'notes.txt', kind: 'body' },
      { location: 'body.avatar', value: 'hello\nworld', kind: 'body' },
    ]);
  });

  test('skips binary file contents and keeps the filename as sent, path included', () => {
    const png = Buffer.concat([
      Buffer.from('------x\r\nContent-Disposition: form-data; name="f"; filename="../../a.png"\r\n\r\n'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
      Buffer.from('\r\n------x--\r\n'),
    ]);
    const inputs = inputsFromMultipart(png, TYPE)!;
    assert.deepEqual(
      inputs.map((i) => i.value),
      ['f', '../../a.png'],
    );
  });

  test('stops at the part limit and reads no further', () => {
    const many = Array.from({ length: MULTIPART_LIMITS.parts + 5 }, (_, i) => ({
      name: `f${i}`,
      value: 'v',
    }));
    const inputs = inputsFromMultipart(form(many), TYPE)!;
    assert.equal(inputs.filter((i) => i.kind === 'key').length, MULTIPART_LIMITS.parts);
  });

  test('falls back to the whole text, without its line breaks, when the framing cannot be read', () => {
    assert.equal(inputsFromMultipart(Buffer.from('x'), 'multipart/form-data'), undefined);
    assert.deepEqual(inputsFromBody('a\r\nb', 'multipart/form-data'), [
      { location: 'body', value: 'a b', kind: 'body' },
    ]);
  });

  test('a one-field form (curl -F name=John) and an ordinary upload pass; part headers are not header injection', () => {
    const detector = createDetector();
    for (const body of [
      form([{ name: 'name', value: 'John' }]),
      form([
        { name: 'title', value: 'Quarterly report' },
        { name: 'file', value: 'a,b,c\n1,2,3\n', filename: 'report.csv', type: 'text/csv' },
      ]),
    ]) {
      const result = detector.inspect(inputsFromBody(body, TYPE));
      assert.equal(result.blocked, false, JSON.stringify(result.findings));
      assert.deepEqual(result.findings, []);
    }
  });

  test('finds attacks in a value, a filename and a text file', () => {
    const detector = createDetector();
    const inValue = detector.inspect(
      inputsFromBody(form([{ name: 'q', value: "1' UNION SELECT password FROM users--" }]), TYPE),
    );
    assert.equal(inValue.findings[0]?.location, 'body.q');
    assert.equal(inValue.blocked, true);
    const inName = detector.inspect(
      inputsFromBody(form([{ name: 'f', value: 'x', filename: '../../../../etc/passwd' }]), TYPE),
    );
    assert.equal(inName.findings[0]?.location, 'body.f@filename');
    assert.equal(inName.blocked, true);
    const inFile = detector.inspect(
      inputsFromBody(
        form([{ name: 'f', value: '<script>alert(document.cookie)</script>', filename: 'a.html' }]),
        TYPE,
      ),
    );
    assert.equal(inFile.blocked, true);
  });
});
