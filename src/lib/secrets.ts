// Secret references (`env:NAME`, `file:PATH`): their config schema, and resolving one to its value
// (never logged, never echoed in an error).
import { readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';

/** A secret given as a reference, never inline: `env:NAME` or `file:PATH`. */
export const SecretRef = Type.String({
  pattern: '^(env|file):[^\\s]+$',
  description: 'a secret reference: "env:NAME" or "file:PATH"',
});

/** Largest secret file read (PEM chains and JWKS documents fit easily). */
export const MAX_SECRET_BYTES = 1024 * 1024;

/** A secret that could not be resolved; the message names the reference, never a value. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

type Source =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'file'; readonly fullPath: string; readonly shownPath: string };

function sourceOf(ref: string, baseDir: string, env: NodeJS.ProcessEnv): Source {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const value = env[name];
    if (value === undefined) throw new SecretError(`environment variable ${name} is not set`);
    if (value === '') throw new SecretError(`environment variable ${name} is empty`);
    return { kind: 'value', value };
  }
  if (ref.startsWith('file:')) {
    const path = ref.slice(5);
    return { kind: 'file', fullPath: isAbsolute(path) ? path : resolve(baseDir, path), shownPath: path };
  }
  throw new SecretError('a secret reference must start with "env:" or "file:"');
}

function fileSecret(text: string, shownPath: string): string {
  const value = stripLineBreak(text);
  if (value === '') throw new SecretError(`secret file ${shownPath} is empty`);
  return value;
}

/**
 * Resolves `env:NAME` from the environment or `file:PATH` (relative to `baseDir`) from disk. A single
 * trailing line break of a file is dropped (`echo token > file`). Empty secrets are refused.
 */
export async function resolveSecret(
  ref: string,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const source = sourceOf(ref, baseDir, env);
  if (source.kind === 'value') return source.value;
  return fileSecret(await readSecretFile(source.fullPath, source.shownPath), source.shownPath);
}

/** `resolveSecret` for code that builds synchronously (a policy's keys at load), with the same rules. */
export function resolveSecretSync(
  ref: string,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const source = sourceOf(ref, baseDir, env);
  if (source.kind === 'value') return source.value;
  let text: string;
  try {
    const stats = statSync(source.fullPath);
    if (!stats.isFile()) throw new SecretError(`secret file ${source.shownPath} is not a regular file`);
    if (stats.size > MAX_SECRET_BYTES)
      throw new SecretError(`secret file ${source.shownPath} is larger than 1 MiB`);
    text = readFileSync(source.fullPath, 'utf8');
  } catch (error) {
    throw readFailure(error, source.shownPath);
  }
  return fileSecret(text, source.shownPath);
}

function readFailure(error: unknown, shownPath: string): SecretError {
  if (error instanceof SecretError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new SecretError(`secret file ${shownPath} cannot be read (${code})`);
}

async function readSecretFile(fullPath: string, shownPath: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(fullPath, 'r');
    const stats = await handle.stat();
    if (!stats.isFile()) throw new SecretError(`secret file ${shownPath} is not a regular file`);
    const buffer = Buffer.alloc(Math.min(stats.size, MAX_SECRET_BYTES) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_SECRET_BYTES) throw new SecretError(`secret file ${shownPath} is larger than 1 MiB`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (error) {
    throw readFailure(error, shownPath);
  } finally {
    await handle?.close();
  }
}

function stripLineBreak(value: string): string {
  if (value.endsWith('\r\n')) return value.slice(0, -2);
  return value.endsWith('\n') ? value.slice(0, -1) : value;
}
