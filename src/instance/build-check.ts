// Builds every route's policy chain once, as a reload would, to report policy-level config problems
// (a bad CIDR, an unreadable spec) with the file position of the block that caused them.

import type { ConfigError } from '../config/errors.ts';
import type { LoadResult } from '../config/load.ts';
import { errorAt } from '../config/source.ts';
import { buildVersion, retireVersion, VersionBuildError } from '../gateway/version.ts';
import { systemClock } from '../lib/clock.ts';
import type { PolicyDefinition } from '../policies/policy.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Returns the problems building `loaded` would hit; an empty list means it builds. */
export function buildPolicies(
  loaded: Extract<LoadResult, { ok: true }>,
  definitions: readonly PolicyDefinition[] = POLICY_DEFINITIONS,
): ConfigError[] {
  // Policies only hold the store at build; a throwaway one avoids creating the configured file.
  const store = loaded.config.store === undefined ? undefined : createSqliteStore(':memory:');
  try {
    const version = buildVersion(
      loaded.config,
      definitions,
      { clock: systemClock, log: silent, baseDir: loaded.source.baseDir, store },
      undefined,
    );
    void retireVersion(version, undefined);
    return [];
  } catch (error) {
    return [versionErrorToConfigError(loaded, error)];
  } finally {
    void store?.close();
  }
}

/** Turns a build failure into a positioned config error. */
export function versionErrorToConfigError(
  loaded: Extract<LoadResult, { ok: true }>,
  error: unknown,
): ConfigError {
  if (error instanceof VersionBuildError) {
    return errorAt(loaded.source, error.path, error.message);
  }
  return errorAt(loaded.source, [], (error as Error).message);
}
