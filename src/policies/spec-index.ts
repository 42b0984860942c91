// One operation index per spec file (and base path) per config version, shared by every policy on that
// spec: openapi-validate, response-filter and detect's schema-aware mode. A request matches an index
// once, through `ctx.matchOperation(index)`, whichever of them asks first.
import { resolve } from 'node:path';
import { indexOperations, loadSpecFile, type OperationIndex, type SpecFile } from '../openapi/index.ts';
import type { PolicyDeps, VersionCache } from './policy.ts';

/** Without a version (unit tests, `rampart validate`), each policy builds its own. */
const UNSHARED: VersionCache = { once: (_key, build) => build() };

/** A spec file and its operation index, as the policies on it share them. */
export interface SharedSpec {
  /** The resolved path of the spec file: the key of everything built from it in this version. */
  readonly path: string;
  readonly file: SpecFile;
  readonly index: OperationIndex;
  /** `basePath` normalized (`''` for none). */
  readonly basePath: string;
}

/** The version's cache, or building privately when there is none. */
export function versionCacheOf(deps: PolicyDeps): VersionCache {
  return deps.versionCache ?? UNSHARED;
}

/**
 * Loads `spec` (relative to the config's directory) and returns the version's index of it for
 * `basePath`, compiling it on the first call only; throws when the spec is unusable.
 */
export function sharedSpec(deps: PolicyDeps, spec: string, basePath?: string): SharedSpec {
  const path = resolve(deps.baseDir, spec);
  const base = basePath === undefined || basePath === '/' ? '' : basePath;
  return versionCacheOf(deps).once(`openapi:index:${path}:${base}`, () => {
    const file = loadSpecFile(spec, deps.baseDir);
    return { path, file, index: indexOperations(file, { basePath: base }), basePath: base };
  });
}
