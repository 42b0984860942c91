// Reads an OpenAPI 3.0/3.1 document from disk (YAML or JSON), checks its version, and caches it by
// path, size and modification time so every policy of a config version shares one parsed copy.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { bundleExternalRefs, hasExternalRefs, originOf, type PartOrigin } from './bundle.ts';
import { isObject } from './pointer.ts';
import { type RelaxedKeyword, relaxUncompilableKeywords } from './relax.ts';

/** A parsed OpenAPI document (members are read defensively; the spec is user input). */
export type OpenApiDocument = Record<string, unknown> & { openapi: string };

/** Which OpenAPI line the document follows: schema dialects differ between them. */
export type OpenApiVersion = '3.0' | '3.1';

/** A loaded spec file. */
export interface SpecFile {
  readonly path: string;
  readonly version: OpenApiVersion;
  readonly document: OpenApiDocument;
  /** The file's text size in bytes. */
  readonly bytes: number;
  /** The other files its `$ref`s named, bundled into `document` (absolute paths). */
  readonly parts: readonly string[];
  /** Schema keywords dropped because no validator can compile them (relax.ts), with their pointers. */
  readonly relaxed: readonly RelaxedKeyword[];
}

/** Spec files above this are refused: the GitHub description is ~13 MB. */
export const MAX_SPEC_BYTES = 64 * 1024 * 1024;

const cache = new Map<string, { key: string; file: SpecFile }>();
/**
 * At most this many files make one spec (the main file and the files its `$ref`s name). DigitalOcean's
 * public description is ~2,900 files; the total bytes stay bounded by MAX_SPEC_BYTES either way.
 */
export const MAX_SPEC_PARTS = 10_000;
const MAX_CACHED = 16;

/** Parses YAML or JSON text (by `name`'s extension); throws naming the file. */
function parseDocumentText(text: string, name: string): unknown {
  try {
    return name.endsWith('.json')
      ? JSON.parse(text)
      : // YAML aliases can blow up a document exponentially ("billion laughs"): keep their count low.
        parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (error) {
    throw new Error(
      `${name}: not valid ${name.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
}

/** Reads one file a spec's `$ref` names, bounded like a spec. */
function readSpecPart(path: string): { root: unknown; bytes: number } {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isFile()) throw new Error('no such file');
  if (stat.size > MAX_SPEC_BYTES) throw new Error(`over ${MAX_SPEC_BYTES} bytes`);
  return { root: parseDocumentText(readFileSync(path, 'utf8'), path), bytes: stat.size };
}

/**
 * Parses spec text; `name` decides JSON vs YAML and names the file in errors. `$ref`s to other files
 * are resolved relative to `name` and bundled (bundle.ts).
 */
export function parseSpecText(text: string, name: string): SpecFile {
  const parsed = parseDocumentText(text, name);
  if (!isObject(parsed) || typeof parsed.openapi !== 'string') {
    throw new Error(`${name}: not an OpenAPI document (no "openapi" version member)`);
  }
  const version = parsed.openapi.startsWith('3.0.')
    ? '3.0'
    : parsed.openapi.startsWith('3.1.')
      ? '3.1'
      : undefined;
  if (version === undefined) {
    throw new Error(`${name}: OpenAPI ${parsed.openapi} is not supported (3.0.x and 3.1.x are)`);
  }
  if (!isObject(parsed.paths) && parsed.webhooks === undefined) {
    throw new Error(`${name}: the document has no "paths"`);
  }
  const bytes = Buffer.byteLength(text);
  const origins = new Map<string, PartOrigin>();
  const parts = hasExternalRefs(text)
    ? bundleExternalRefs(
        parsed,
        resolve(name),
        readSpecPart,
        { maxFiles: MAX_SPEC_PARTS, maxTotalBytes: MAX_SPEC_BYTES - bytes },
        origins,
      )
    : [];
  const relaxed = relaxUncompilableKeywords(parsed, (pointer) => originOf(pointer, name, origins));
  return { path: name, version, document: parsed as OpenApiDocument, bytes, parts, relaxed };
}

/** The cache key of a spec: the size and modification time of every file it is made of. */
function versionKey(paths: readonly string[]): string | undefined {
  const stamps: string[] = [];
  for (const path of paths) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) return undefined;
    stamps.push(`${stat.size}:${stat.mtimeMs}`);
  }
  return stamps.join('|');
}

/** Loads `file` (relative to `baseDir`), reusing the parsed copy while the file is unchanged. */
export function loadSpecFile(file: string, baseDir: string = process.cwd()): SpecFile {
  const path = resolve(baseDir, file);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    throw new Error(`OpenAPI spec "${file}" cannot be read`);
  }
  if (!stat.isFile()) throw new Error(`OpenAPI spec "${file}" is not a file`);
  if (stat.size > MAX_SPEC_BYTES) throw new Error(`OpenAPI spec "${file}" is over ${MAX_SPEC_BYTES} bytes`);
  const hit = cache.get(path);
  if (hit !== undefined && hit.key === versionKey([path, ...hit.file.parts])) return hit.file;
  const loaded = parseSpecText(readFileSync(path, 'utf8'), path);
  const key = versionKey([path, ...loaded.parts]);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  if (key !== undefined) cache.set(path, { key, file: loaded });
  return loaded;
}
