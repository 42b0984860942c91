// The cors policy definition (ingress): preflights answered by the gateway, CORS response headers set
// only for allowed origins.
import { definePolicy } from '../policy.ts';
import { corsConfig } from './config.ts';
import { createCors } from './cors.ts';

/** Cross-origin resource sharing (Fetch standard §3.2) from an origin allow-list. */
export const cors = definePolicy({
  name: 'cors',
  stage: 'ingress',
  description:
    'Answers CORS preflights at the gateway and adds Access-Control-* headers for allowed origins only.',
  config: corsConfig,
  errors: ['RAMPART_CORS_PREFLIGHT', 'RAMPART_CORS_REFUSED'],
  create: (config) => createCors(config),
});
