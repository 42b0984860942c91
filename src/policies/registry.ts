// The explicit list of policies Rampart knows: the config schema and the chain compiler read it.
import { apiKey } from './api-key/index.ts';
import { authorize } from './authorize/index.ts';
import { basic } from './basic/index.ts';
import { bruteForce } from './brute-force/index.ts';
import { concurrency } from './concurrency/index.ts';
import { cors } from './cors/index.ts';
import { csrf } from './csrf/index.ts';
import { detect } from './detect/index.ts';
import { errorSanitize } from './error-sanitize/index.ts';
import { graphql } from './graphql/index.ts';
import { hmacSignature } from './hmac-signature/index.ts';
import { identityEnrich } from './identity-enrich/index.ts';
import { introspection } from './introspection/index.ts';
import { ipFilter } from './ip-filter/index.ts';
import { jwt } from './jwt/index.ts';
import { loginGuard } from './login-guard/index.ts';
import { methods } from './methods/index.ts';
import { mtls } from './mtls/index.ts';
import { openapiValidate } from './openapi-validate/index.ts';
import type { PolicyDefinition } from './policy.ts';
import { quota } from './quota/index.ts';
import { rateLimit } from './rate-limit/index.ts';
import { requestLimits } from './request-limits/index.ts';
import { responseFilter } from './response-filter/index.ts';
import { securityHeaders } from './security-headers/index.ts';
import { sensitiveData } from './sensitive-data/index.ts';
import { tokenShield } from './token-shield/index.ts';

/** Every policy definition, in documentation order (the chain orders by stage, then config order). */
export const POLICY_DEFINITIONS: readonly PolicyDefinition[] = Object.freeze([
  requestLimits,
  cors,
  csrf,
  methods,
  ipFilter,
  bruteForce,
  apiKey,
  jwt,
  basic,
  hmacSignature,
  mtls,
  introspection,
  tokenShield,
  identityEnrich,
  loginGuard,
  authorize,
  rateLimit,
  quota,
  concurrency,
  openapiValidate,
  graphql,
  detect,
  securityHeaders,
  errorSanitize,
  responseFilter,
  sensitiveData,
] as PolicyDefinition[]);

const BY_NAME: ReadonlyMap<string, PolicyDefinition> = new Map(
  POLICY_DEFINITIONS.map((definition) => [definition.name, definition]),
);

/** The definition registered under `name` (= folder name = config key), or undefined. */
export function findPolicy(name: string): PolicyDefinition | undefined {
  return BY_NAME.get(name);
}
