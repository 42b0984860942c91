import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDetector } from '../engine.ts';
import { inputsFromBody } from './body.ts';
import { boundaryOf } from './multipart-parts.ts';

const detector = createDetector({ paranoia: 1, threshold: 5 });

/** A multipart body of the given parts (header lines, content), CRLF framed. */
function multipart(boundary: string, parts: readonly (readonly [string, string])[]): string {
  return `${parts.map(([headers, content]) => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`).join('')}--${boundary}--\r\n`;
}

describe('multipart bodies other than form-data', () => {
  test('reads the boundary parameter, quoted or not, wherever it stands', () => {
    assert.equal(boundaryOf('multipart/related; boundary=abc'), 'abc');
    assert.equal(boundaryOf('multipart/mixed; charset=utf-8; Boundary="a b:c"'), 'a b:c');
    assert.equal(boundaryOf('multipart/mixed; xboundary=abc'), undefined);
    assert.equal(boundaryOf('multipart/mixed'), undefined);
  });

  test('a resumable upload (metadata JSON and a binary file) and a batch of requests are not blocked', () => {
    const upload = multipart('foo_bar', [
      ['Content-Type: application/json; charset=UTF-8', '{"name":"My File","mimeType":"image/jpeg"}'],
      ['Content-Type: image/jpeg', '\u00ff\u00d8\u0000\u0010JFIF'],
    ]);
    const batch = multipart('batch_1', [
      [
        'Content-Type: application/http\r\nContent-ID: <item1>',
        'GET /farm/v1/animals/pony HTTP/1.1\r\nAccept: application/json\r\n',
      ],
      [
        'Content-Type: application/http\r\nContent-ID: <item2>',
        'PATCH /farm/v1/animals/sheep HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"animalName":"sheep"}',
      ],
    ]);
    for (const [type, body] of [
      ['multipart/related; boundary=foo_bar', upload],
      ['multipart/mixed; boundary=batch_1', batch],
    ] as const) {
      const result = detector.inspect(inputsFromBody(Buffer.from(body, 'latin1'), type));
      assert.deepEqual(result.findings, [], type);
    }
  });

  test('an attack in a part is found and located by part', () => {
    const body = multipart('b1', [
      ['Content-Type: text/plain', 'hello'],
      ['Content-Type: application/json', '{"title":"<img src=x onerror=alert(document.domain)>"}'],
    ]);
    const result = detector.inspect(inputsFromBody(body, 'multipart/related; boundary=b1'));
    assert.equal(result.blocked, true);
    assert.equal(result.findings[0]?.location, 'body.part2.title');
  });

  test('a CR LF inside a part content (not its headers) is still header injection', () => {
    const body = multipart('b1', [['Content-Type: text/plain', 'en\r\nSet-Cookie: session=stolen']]);
    const result = detector.inspect(inputsFromBody(body, 'multipart/mixed; boundary=b1'));
    assert.equal(result.findings[0]?.category, 'crlf');
  });

  test('without a usable boundary the text is inspected whole, its line breaks as spaces', () => {
    const result = detector.inspect(inputsFromBody('a\r\nb: c\r\n\r\nd', 'multipart/mixed'));
    assert.deepEqual(result.findings, []);
  });
});
