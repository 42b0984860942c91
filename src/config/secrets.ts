// Secret references (`env:NAME`, `file:PATH`): resolved once per config version, never logged, never
// echoed in an error.
import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigError, PathSegment } from './errors.ts';
import { SecretRef } from './schema.ts';
import { type ConfigSource, errorAt } from './source.ts';

/** Largest secret file read (PEM chains and JWKS documents fit easily). */
export const MAX_SECRET_BYTES = 1024 * 1024;

/** A secret that could not be resolved; the message names the reference, never a value. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** Resolved secrets of one config version, by reference (`env:ADMIN_TOKEN` → value). */
export type SecretValues = ReadonlyMap<string, string>;

/**
 * Resolves `env:NAME` from the environment or `file:PATH` (relative to `baseDir`) from disk. A single
 * trailing line break of a file is dropped (`echo token > file`). Empty secrets are refused.
 */
export async function resolveSecret(
  ref: string,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const value = env[name];
    if (value === undefined) throw new SecretError(`environment variable ${name} is not set`);
    if (value === '') throw new SecretError(`environment variable ${name} is empty`);
    return value;
  }
  if (ref.startsWith('file:')) {
    const path = ref.slice(5);
    const value = stripLineBreak(
      await readSecretFile(isAbsolute(path) ? path : resolve(baseDir, path), path),
    );
    if (value === '') throw new SecretError(`secret file ${path} is empty`);
    return value;
  }
  throw new SecretError('a secret reference must start with "env:" or "file:"');
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
    if (error instanceof SecretError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new SecretError(`secret file ${shownPath} cannot be read (${code})`);
  } finally {
    await handle?.close();
  }
}

function stripLineBreak(value: string): string {
  if (value.endsWith('\r\n')) return value.slice(0, -2);
  return value.endsWith('\n') ? value.slice(0, -1) : value;
}

/** Where the schema says a value is a secret reference: every path and its reference. */
export function findSecretRefs(schema: unknown, value: unknown): Array<{ path: PathSegment[]; ref: string }> {
  const found: Array<{ path: PathSegment[]; ref: string }> = [];
  walk(schema, value, [], found);
  return found;
}

type SchemaNode = {
  pattern?: string;
  anyOf?: unknown[];
  oneOf?: unknown[];
  allOf?: unknown[];
  properties?: Record<string, unknown>;
  patternProperties?: Record<string, unknown>;
  additionalProperties?: unknown;
  items?: unknown;
};

function walk(
  schema: unknown,
  value: unknown,
  path: PathSegment[],
  found: Array<{ path: PathSegment[]; ref: string }>,
) {
  if (schema === null || typeof schema !== 'object') return;
  const node = schema as SchemaNode;
  if (node.pattern === SecretRef.pattern && typeof value === 'string') {
    if (!found.some((entry) => samePath(entry.path, path))) found.push({ path, ref: value });
    return;
  }
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) {
    walk(branch, value, path, found);
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walk(node.items, item, [...path, index], found);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const patterns = Object.entries(node.patternProperties ?? {}).map(([pattern, sub]) => ({
    re: new RegExp(pattern, 'u'),
    sub,
  }));
  for (const [key, member] of Object.entries(value)) {
    const declared = node.properties?.[key];
    if (declared !== undefined) walk(declared, member, [...path, key], found);
    for (const { re, sub } of patterns) if (re.test(key)) walk(sub, member, [...path, key], found);
    if (declared === undefined && typeof node.additionalProperties === 'object') {
      walk(node.additionalProperties, member, [...path, key], found);
    }
  }
}

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

/**
 * Resolves every secret reference of a validated config. Each failure is a config error at the
 * reference's path; the values are returned by reference for the policies of this version.
 */
export async function resolveConfigSecrets(
  schema: unknown,
  config: unknown,
  source: ConfigSource,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ secrets: SecretValues; errors: ConfigError[] }> {
  const secrets = new Map<string, string>();
  const errors: ConfigError[] = [];
  for (const { path, ref } of findSecretRefs(schema, config)) {
    if (secrets.has(ref)) continue;
    try {
      secrets.set(ref, await resolveSecret(ref, source.baseDir, env));
    } catch (error) {
      const message = error instanceof SecretError ? error.message : 'secret cannot be resolved';
      errors.push(errorAt(source, path, message, 'secret-unresolved'));
    }
  }
  return { secrets, errors };
}
