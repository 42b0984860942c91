// Loads rampart.yaml: read (bounded), parse with positions, validate against the schema (defaults
// applied), check cross-references, resolve secrets. Every problem comes back as a positioned ConfigError.
import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { PolicyDefinition } from '../policies/policy.ts';
import { type ConfigError, formatPath } from './errors.ts';
import type { RampartConfig } from './schema.ts';
import { resolveConfigSecrets, type SecretValues } from './secrets.ts';
import { checkConfig } from './semantic.ts';
import {
  type ConfigSource,
  errorAt,
  MAX_CONFIG_BYTES,
  parseConfigSource,
  tooLargeMessage,
} from './source.ts';
import { compileConfigSchema, validateConfig } from './validate.ts';

/** At most this many errors are reported; the rest are counted in a last one. */
export const MAX_REPORTED_ERRORS = 50;

/** A loaded config version, or every problem found. */
export type LoadResult =
  | {
      readonly ok: true;
      readonly config: RampartConfig;
      /** The parsed file, for `errorAt` when building policies reports a problem at a path. */
      readonly source: ConfigSource;
      /** Resolved secrets by reference; look up `config.admin.token` and the like here. */
      readonly secrets: SecretValues;
    }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** Options for tests and embedding. */
export interface LoadOptions {
  /** The environment `env:` references read; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Directory `file:` references are relative to; defaults to the config file's directory. */
  readonly baseDir?: string;
  /** Directory a relative config file name is read from; defaults to the process's. */
  readonly cwd?: string;
}

/** Reads and loads a config file (refused over MAX_CONFIG_BYTES). */
export async function loadConfigFile(
  file: string,
  definitions: readonly PolicyDefinition[],
  options: LoadOptions = {},
): Promise<LoadResult> {
  let text: string;
  try {
    text = await readBounded(resolve(options.cwd ?? '', file));
  } catch (error) {
    const tooLarge = error instanceof RangeError;
    const message = tooLarge ? tooLargeMessage() : `cannot read the file (${errnoCode(error)})`;
    const code = tooLarge ? 'file-too-large' : 'file-unreadable';
    return { ok: false, errors: [{ code, file, line: 1, column: 1, path: '', message }] };
  }
  const baseDir = options.baseDir ?? dirname(resolve(options.cwd ?? '', file));
  return loadConfigText(text, file, definitions, { ...options, baseDir });
}

/** Loads config text, e.g. an embedded default; `file` names it in errors. */
export async function loadConfigText(
  text: string,
  file: string,
  definitions: readonly PolicyDefinition[],
  options: LoadOptions = {},
): Promise<LoadResult> {
  const parsed = parseConfigSource(text, file, options.baseDir ?? dirname(resolve(file)));
  if (!parsed.ok) return fail(parsed.errors);
  const { source, value } = parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail([
      errorAt(source, [], 'the config must be a mapping with version, upstreams and routes', 'schema-type'),
    ]);
  }
  const issues = validateConfig(value, definitions);
  if (issues.length > 0) {
    return fail(
      issues.map((issue) =>
        errorAt(source, issue.path, issue.message, issue.code, issue.atKey ? 'key' : 'value'),
      ),
    );
  }
  const config = value as RampartConfig;
  const semantic = checkConfig(config, source);
  const { schema } = compileConfigSchema(definitions);
  const { secrets, errors } = await resolveConfigSecrets(schema, config, source, options.env);
  if (semantic.length > 0 || errors.length > 0) return fail([...semantic, ...errors]);
  return { ok: true, config, source, secrets };
}

function fail(unsorted: readonly ConfigError[]): LoadResult {
  const errors = unsorted.toSorted((a, b) => a.line - b.line || a.column - b.column);
  if (errors.length <= MAX_REPORTED_ERRORS) return { ok: false, errors };
  const shown = errors.slice(0, MAX_REPORTED_ERRORS);
  const last = shown.at(-1)!;
  const more: ConfigError = {
    ...last,
    code: 'invalid',
    path: formatPath([]),
    message: `and ${errors.length - MAX_REPORTED_ERRORS} more problems`,
  };
  return { ok: false, errors: [...shown, more] };
}

/** Reads at most MAX_CONFIG_BYTES + 1 bytes; throws a RangeError when the file is larger. */
async function readBounded(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_CONFIG_BYTES) throw new RangeError('config file too large');
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}
