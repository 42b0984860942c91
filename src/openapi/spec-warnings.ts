// What a spec will not have checked, located for people: keywords relaxed at load (relax.ts) and
// request schemas that still do not compile (contract.ts), each with its file and JSON pointer.
// `rampart audit` turns them into findings and `rampart validate` prints them as warnings.
import { compileContract } from './contract.ts';
import { loadSpecFile, type SpecFile } from './spec-file.ts';
import { type ConfigWithPolicies, mainSpecFilesOf } from './spec-files.ts';

/** One place in the spec that is not validated as written. */
export interface SpecWarning {
  readonly kind: 'relaxed-keyword' | 'uncompilable-schema';
  /** The file holding it (the spec, or a file its `$ref`s name). */
  readonly file: string;
  readonly pointer: string;
  readonly message: string;
}

/** Lists the spec's relaxed keywords, then compiles every operation (strictly) and lists what does not compile. */
export function specWarnings(spec: SpecFile): SpecWarning[] {
  const warnings: SpecWarning[] = spec.relaxed.map((keyword) => ({
    kind: 'relaxed-keyword',
    file: keyword.file,
    pointer: keyword.pointer,
    message: `${keyword.keyword} cannot be compiled (${keyword.reason}); that check is relaxed`,
  }));
  const contract = compileContract(spec, { closeObjects: true, refuseReadOnly: true, eager: true });
  for (const problem of contract.uncompilable) {
    warnings.push({
      kind: 'uncompilable-schema',
      file: spec.path,
      pointer: problem.pointer,
      message: `${problem.operation}: the ${problem.what} schema does not compile (${problem.reason}); it is not validated`,
    });
  }
  return warnings;
}

/** `file#/pointer: message`, as validate prints it. */
export function formatSpecWarning(warning: SpecWarning): string {
  return `${warning.file}${warning.pointer}: ${warning.message}`;
}

/** The warnings of every spec a config's policies name (specs that do not load are the config's errors). */
export function configSpecWarnings(config: ConfigWithPolicies, baseDir: string): SpecWarning[] {
  const warnings: SpecWarning[] = [];
  for (const file of mainSpecFilesOf(config, baseDir)) {
    try {
      warnings.push(...specWarnings(loadSpecFile(file)));
    } catch {
      // Reported by the policy that names it when the config is built.
    }
  }
  return warnings;
}
