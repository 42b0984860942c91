import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED } from './redact.ts';
import { redactSecretsInText } from './redact-text.ts';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('redactSecretsInText', () => {
  it('redacts JWT-looking tokens', () => {
    const out = redactSecretsInText(`token in body: ${JWT} end`, 1000);
    assert.ok(!out.includes('eyJ'));
    assert.ok(out.includes(REDACTED));
    assert.ok(out.endsWith(' end'));
  });

  it('redacts the credential after an authentication scheme', () => {
    assert.equal(redactSecretsInText('Authorization: Bearer xyz'), `Authorization: Bearer ${REDACTED}`);
    assert.equal(redactSecretsInText('basic dXNlcjpwYXNz'), `basic ${REDACTED}`);
  });

  it('redacts values assigned to credential-like names', () => {
    assert.equal(redactSecretsInText('user=bob&password=hunter2!&x=1'), `user=bob&password=${REDACTED}&x=1`);
    assert.equal(redactSecretsInText('{"apiKey": "s3cr3t"}'), `{"apiKey": "${REDACTED}"}`);
  });

  it('redacts long hex and base64 strings', () => {
    const hex = 'a3f1'.repeat(10);
    const b64 = 'QWxhZGRpbjpvcGVuIHNlc2FtZQ9876543210abcdEFGH';
    const out = redactSecretsInText(`sig ${hex} and ${b64}`, 1000);
    assert.equal(out, `sig ${REDACTED} and ${REDACTED}`);
  });

  it('keeps ordinary attack evidence readable', () => {
    assert.equal(redactSecretsInText("' OR 1=1 --"), "' OR 1=1 --");
    assert.equal(redactSecretsInText('../../etc/passwd'), '../../etc/passwd');
    assert.equal(redactSecretsInText('<script>alert(1)</script>'), '<script>alert(1)</script>');
  });

  it('bounds the result and marks the cut', () => {
    const out = redactSecretsInText('a '.repeat(10_000), 128);
    assert.equal(out.length, 128);
    assert.ok(out.endsWith('…'));
  });

  it('never shows part of a secret that straddles the bound', () => {
    const out = redactSecretsInText(`${'x'.repeat(120)} ${JWT}`, 128);
    assert.ok(!out.includes('eyJ'));
    assert.ok(out.length <= 128);
  });
});

describe('card numbers and cloud key ids', () => {
  it('redacts Luhn-valid card numbers, grouped or not, and leaves other numbers alone', () => {
    for (const card of [
      '4111111111111111',
      '4111 1111 1111 1111',
      '5500-0000-0000-0004',
      '378282246310005',
    ]) {
      assert.equal(redactSecretsInText(`card ${card} ok`, 1000), `card ${REDACTED} ok`, card);
    }
    for (const other of ['4111111111111112', '1700000000000', 'id 12345', 'x4111111111111111']) {
      assert.equal(redactSecretsInText(other, 1000), other);
    }
  });

  it('redacts AWS access key ids', () => {
    assert.equal(redactSecretsInText('key AKIAIOSFODNN7EXAMPLE here'), `key ${REDACTED} here`);
  });
});

describe('redacting twice', () => {
  it('leaves redacted text as it is', () => {
    const once = redactSecretsInText('password=hunter2 and Authorization: Bearer abc', 1000);
    assert.equal(redactSecretsInText(once, 1000), once);
  });
});

describe('identifiers', () => {
  it('keeps UUIDs, which identify rather than authenticate', () => {
    assert.equal(
      redactSecretsInText('user 550e8400-e29b-41d4-a716-446655440000', 1000),
      'user 550e8400-e29b-41d4-a716-446655440000',
    );
  });
});
