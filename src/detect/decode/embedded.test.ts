import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDetector } from '../engine.ts';
import { inputsFromBody } from '../extract/body.ts';
import { inputsFromQuery } from '../extract/query.ts';
import { base64Text, embeddedJsonStrings } from './embedded.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('embedded layers', () => {
  test('decodes base64 (standard, URL-safe, in a data URL) only when it holds text with syntax', () => {
    assert.equal(base64Text(b64('<script>alert(1)</script>')), '<script>alert(1)</script>');
    assert.equal(base64Text(b64("' or 1=1-- ").replaceAll('+', '-').replaceAll('/', '_')), "' or 1=1-- ");
    assert.equal(
      base64Text(`data:text/html;base64,${b64('<svg onload=alert(1)>')}`),
      '<svg onload=alert(1)>',
    );
    assert.equal(base64Text(b64('just some plain words here')), undefined);
    assert.equal(base64Text('internationalization'), undefined);
    assert.equal(
      base64Text(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).toString('base64'),
      ),
      undefined,
    );
  });

  test('decodes a base64 run cut out of its attribute with the markup after it', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\r\n';
    const encoded = b64(svg);
    assert.equal(base64Text(`${encoded}"/>`), svg);
    assert.equal(base64Text(`${encoded.replaceAll('+', '%2B').replaceAll('=', '%3D')}"/>`), svg);
    assert.equal(base64Text(`${encoded}&quot;/&gt;`), svg);
    // A tail with letters is text after the run, not the rest of its markup; short runs are words.
    assert.equal(base64Text(`${encoded} and more`), undefined);
    assert.equal(base64Text(`${b64('<b>x</b>')}"/>`), undefined);
  });

  test('reads the names and strings of a JSON document inside a string', () => {
    assert.deepEqual(embeddedJsonStrings('{"a":["x",{"b":"y"}]}').sort(), ['a', 'b', 'x', 'y']);
    assert.deepEqual(embeddedJsonStrings('{not json}'), []);
    assert.deepEqual(embeddedJsonStrings('plain'), []);
  });

  test('the engine finds payloads behind a base64 layer or in JSON inside a string, and passes benign ones', () => {
    const detector = createDetector();
    assert.equal(
      detector.inspect(
        inputsFromQuery(`data=${encodeURIComponent(b64("1' UNION SELECT password FROM users--"))}`),
      ).blocked,
      true,
    );
    const nested = JSON.stringify({
      payload: JSON.stringify({ name: '<script>alert(document.cookie)</script>' }),
    });
    assert.equal(
      detector.inspect(inputsFromBody(nested, 'application/json', { screenJson: true })).blocked,
      true,
    );
    for (const benign of [
      b64('{"user":"alice","role":"reader"}'),
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      'dGhpcyBpcyBhIHRlc3Q=',
      JSON.stringify({ settings: JSON.stringify({ theme: 'dark', size: 12 }) }),
    ])
      assert.equal(
        detector.inspect(inputsFromQuery(`v=${encodeURIComponent(benign)}`)).blocked,
        false,
        benign,
      );
  });
});
