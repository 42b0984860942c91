import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  MAX_SECRET_BYTES,
  resolveSecret as resolveAsync,
  resolveSecretSync,
  SecretError,
} from './secrets.ts';

// The synchronous variant follows the same rules; wrapped so both run through the same cases.
const VARIANTS: ReadonlyArray<readonly [string, typeof resolveAsync]> = [
  ['resolveSecret', resolveAsync],
  ['resolveSecretSync', async (ref, baseDir, env) => resolveSecretSync(ref, baseDir, env)],
];

for (const [name, resolveSecret] of VARIANTS) {
  describe(name, () => {
    let dir = '';
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'rampart-secrets-'));
      writeFileSync(join(dir, 'token'), 'file-secret-value\n');
      writeFileSync(join(dir, 'crlf'), 'crlf-secret\r\n');
      writeFileSync(join(dir, 'empty'), '');
      writeFileSync(join(dir, 'huge'), Buffer.alloc(MAX_SECRET_BYTES + 1, 0x61));
      mkdirSync(join(dir, 'folder'));
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    test('reads an environment variable', async () => {
      assert.equal(await resolveSecret('env:TOKEN', dir, { TOKEN: 'from-env' }), 'from-env');
    });

    test('refuses an unset or empty environment variable without a value in the message', async () => {
      await assert.rejects(resolveSecret('env:TOKEN', dir, {}), SecretError);
      await assert.rejects(resolveSecret('env:TOKEN', dir, { TOKEN: '' }), SecretError);
    });

    test('reads a file relative to the base directory and drops one trailing line break', async () => {
      assert.equal(await resolveSecret('file:token', dir), 'file-secret-value');
      assert.equal(await resolveSecret('file:crlf', dir), 'crlf-secret');
      assert.equal(await resolveSecret(`file:${join(dir, 'token')}`, '/'), 'file-secret-value');
    });

    test('refuses missing, empty, oversized and non-regular files', async () => {
      for (const ref of ['file:missing', 'file:empty', 'file:huge', 'file:folder']) {
        await assert.rejects(resolveSecret(ref, dir), SecretError, ref);
      }
    });

    test('refuses a reference of an unknown kind', async () => {
      await assert.rejects(resolveSecret('vault:x', dir), SecretError);
    });

    test('never includes file content in an error', async () => {
      const big = await resolveSecret('file:huge', dir).catch((e: Error) => e);
      assert.ok(big instanceof SecretError && !big.message.includes('aaaa'));
    });
  });
}
