// The csrf policy definition (ingress): cross-site state-changing requests with cookies refused.
import { definePolicy } from '../policy.ts';
import { csrfConfig } from './config.ts';
import { createCsrf } from './csrf.ts';

/** Cross-site request forgery protection for cookie-authenticated APIs. */
export const csrf = definePolicy({
  name: 'csrf',
  stage: 'ingress',
  description:
    'Refuses unsafe requests with cookies from other sites (Sec-Fetch-Site, Origin, Referer); optional double-submit token.',
  config: csrfConfig,
  errors: ['RAMPART_CSRF_REFUSED'],
  create: (config) => createCsrf(config),
});
