// The explicit list of policies Rampart knows: the config schema and the chain compiler read it.
import { detect } from './detect/index.ts';
import { errorSanitize } from './error-sanitize/index.ts';
import { ipFilter } from './ip-filter/index.ts';
import { methods } from './methods/index.ts';
import type { PolicyDefinition } from './policy.ts';
import { requestLimits } from './request-limits/index.ts';
import { securityHeaders } from './security-headers/index.ts';

/** Every policy definition, in documentation order (the chain orders by stage, then config order). */
export const POLICY_DEFINITIONS: readonly PolicyDefinition[] = Object.freeze([
  requestLimits,
  methods,
  ipFilter,
  detect,
  securityHeaders,
  errorSanitize,
] as PolicyDefinition[]);

const BY_NAME: ReadonlyMap<string, PolicyDefinition> = new Map(
  POLICY_DEFINITIONS.map((definition) => [definition.name, definition]),
);

/** The definition registered under `name` (= folder name = config key), or undefined. */
export function findPolicy(name: string): PolicyDefinition | undefined {
  return BY_NAME.get(name);
}
