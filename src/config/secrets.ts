// Secret references (`env:NAME`, `file:PATH`): resolved once per config version, never logged, never
// echoed in an error. Resolving one reference is lib/secrets.ts; here, finding them in a config.
import { resolveSecret, SecretError, SecretRef } from '../lib/secrets.ts';
import type { ConfigError, PathSegment } from './errors.ts';
import { type ConfigSource, errorAt } from './source.ts';

/** Resolved secrets of one config version, by reference (`env:ADMIN_TOKEN` → value). */
export type SecretValues = ReadonlyMap<string, string>;

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
