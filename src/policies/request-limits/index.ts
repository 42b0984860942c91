// The request-limits policy definition (ingress): URL, header, body and JSON shape limits.
import { definePolicy } from '../policy.ts';
import { requestLimitsConfig } from './config.ts';
import { createRequestLimits } from './request-limits.ts';

/** Refuses oversized URLs (414), headers (431), bodies (413) and hostile JSON shapes (400/413). */
export const requestLimits = definePolicy({
  name: 'request-limits',
  stage: 'ingress',
  description: 'Limits URL length, header count and size, body size and JSON depth and member count.',
  config: requestLimitsConfig,
  errors: [
    'RAMPART_INGRESS_URL_TOO_LONG',
    'RAMPART_INGRESS_HEADERS_TOO_LARGE',
    'RAMPART_INGRESS_BODY_TOO_LARGE',
    'RAMPART_INGRESS_JSON_TOO_DEEP',
    'RAMPART_INGRESS_JSON_TOO_MANY_KEYS',
    'RAMPART_INGRESS_JSON_INVALID',
  ],
  create: (config) => createRequestLimits(config),
});
