// The contracts the inventory compares traffic with: one or more OpenAPI documents, each indexed
// once. A request that matches a documented operation is learned under the spec's template; one
// whose path is documented for other methods only keeps the spec's template too (a shadow method).
import { resolve } from 'node:path';
import {
  indexOperations,
  loadSpecFile,
  type Operation,
  type OperationIndex,
  type SpecFile,
} from '../openapi/index.ts';

/** One contract: a spec file and the base path its operations are mounted under. */
export interface SpecSource {
  readonly spec: string;
  readonly basePath?: string | undefined;
}

/** A loaded contract. */
export interface LoadedSpec {
  readonly path: string;
  readonly file: SpecFile;
  readonly index: OperationIndex;
  readonly basePath: string;
  /** `info.title`, or the file name. */
  readonly title: string;
}

/** What a method and path match in the contracts. */
export interface SpecMatch {
  readonly spec: LoadedSpec;
  /** The documented template, base path included. */
  readonly template: string;
  /** The operation, or undefined when only the path is documented (for other methods). */
  readonly operation: Operation | undefined;
  readonly params: Readonly<Record<string, string>>;
}

/** The set of contracts. */
export interface SpecSet {
  readonly specs: readonly LoadedSpec[];
  match(method: string, path: string): SpecMatch | undefined;
}

function normalizedBase(basePath: string | undefined): string {
  if (basePath === undefined || basePath === '/') return '';
  return basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
}

function titleOf(file: SpecFile): string {
  const info = file.document.info as { title?: unknown } | undefined;
  return typeof info?.title === 'string' && info.title !== '' ? info.title.slice(0, 200) : file.path;
}

/** Builds a set from loaded files (tests, the CLI's `--spec`). */
export function specSetOf(files: ReadonlyArray<{ file: SpecFile; basePath?: string | undefined }>): SpecSet {
  const specs: LoadedSpec[] = files.map(({ file, basePath }) => {
    const base = normalizedBase(basePath);
    return {
      path: file.path,
      file,
      index: indexOperations(file, { basePath: base }),
      basePath: base,
      title: titleOf(file),
    };
  });
  return {
    specs,
    match(method, path) {
      for (const spec of specs) {
        const found = spec.index.match(method, path);
        if (found.kind === 'found') {
          return {
            spec,
            template: spec.basePath + found.operation.path.split('?')[0]!,
            operation: found.operation,
            params: found.params,
          };
        }
        if (found.kind === 'method-not-allowed' && found.allow[0] !== undefined) {
          const other = spec.index.match(found.allow[0], path);
          if (other.kind === 'found') {
            return {
              spec,
              template: spec.basePath + other.operation.path.split('?')[0]!,
              operation: undefined,
              params: other.params,
            };
          }
        }
      }
      return undefined;
    },
  };
}

/** Loads the contracts named by `sources`, relative to `baseDir`; throws naming the file that fails. */
export function loadSpecSet(sources: readonly SpecSource[], baseDir: string): SpecSet {
  const seen = new Set<string>();
  const files: Array<{ file: SpecFile; basePath?: string | undefined }> = [];
  for (const source of sources) {
    const path = resolve(baseDir, source.spec);
    const key = `${path}\n${normalizedBase(source.basePath)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    files.push({ file: loadSpecFile(path, baseDir), basePath: source.basePath });
  }
  return specSetOf(files);
}

/** No contract at all: nothing is documented, nothing is compared. */
export const NO_SPECS: SpecSet = { specs: [], match: () => undefined };
