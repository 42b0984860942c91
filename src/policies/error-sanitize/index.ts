// The error-sanitize policy definition (response): upstream error bodies never reach the client raw.
import { definePolicy } from '../policy.ts';
import { errorSanitizeConfig } from './config.ts';
import { createErrorSanitize } from './error-sanitize.ts';

/** Replaces upstream 5xx bodies (always, or when they leak internals) with a generic problem document. */
export const errorSanitize = definePolicy({
  name: 'error-sanitize',
  stage: 'response',
  description: 'Replaces upstream error bodies that may leak internals with a generic problem+json.',
  config: errorSanitizeConfig,
  errors: ['RAMPART_RESPONSE_UPSTREAM_ERROR_HIDDEN'],
  create: (config) => createErrorSanitize(config),
});
