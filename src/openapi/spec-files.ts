// Which OpenAPI files a config version reads, so a watcher can reload the gateway when one of them
// changes: the contract is compiled per config version, and loadSpecFile re-reads a file whose size
// or modification time changed, so a reload is all an edited spec needs.
import { resolve } from 'node:path';
import { loadSpecFile } from './spec-file.ts';

/** The policies whose `spec` member names an OpenAPI file. */
export const SPEC_POLICIES = ['openapi-validate', 'response-filter', 'detect'] as const;

/** The part of a config this reads (RampartConfig fits it). */
export interface ConfigWithPolicies {
  readonly defaults?: { readonly policies?: Readonly<Record<string, unknown>> | undefined } | undefined;
  readonly routes: readonly { readonly policies?: Readonly<Record<string, unknown>> | undefined }[];
}

/** The absolute paths of the spec files `config`'s policies name, each once (without their parts). */
export function mainSpecFilesOf(config: ConfigWithPolicies, baseDir: string): string[] {
  const files = new Set<string>();
  const collect = (policies: Readonly<Record<string, unknown>> | undefined) => {
    if (policies === undefined) return;
    for (const name of SPEC_POLICIES) {
      const block = policies[name];
      if (block !== null && typeof block === 'object' && 'spec' in block && typeof block.spec === 'string')
        files.add(resolve(baseDir, block.spec));
    }
  };
  collect(config.defaults?.policies);
  for (const route of config.routes) collect(route.policies);
  return [...files];
}

/**
 * The absolute paths of the spec files `config` uses, resolved against `baseDir`, each once, with the
 * files their `$ref`s name (a multi-file spec reloads when any of its parts changes).
 */
export function specFilesOf(config: ConfigWithPolicies, baseDir: string): string[] {
  const files = new Set(mainSpecFilesOf(config, baseDir));
  for (const file of [...files]) {
    try {
      for (const part of loadSpecFile(file).parts) files.add(part);
    } catch {
      // An unreadable spec is the config's error to report; it is still watched, to reload once fixed.
    }
  }
  return [...files];
}
