// The security-headers policy definition (response): protective headers in, revealing headers out.
import { definePolicy } from '../policy.ts';
import { securityHeadersConfig } from './config.ts';
import { createSecurityHeaders } from './security-headers.ts';

/** Adds HSTS, nosniff, no-store, frame, referrer, CSP and CORP headers; removes Server and friends. */
export const securityHeaders = definePolicy({
  name: 'security-headers',
  stage: 'response',
  description:
    'Adds protective response headers (HSTS, nosniff, CSP, …) and removes revealing ones (Server, …).',
  config: securityHeadersConfig,
  errors: [],
  create: (config) => createSecurityHeaders(config),
});
