// The rate-limit policy definition (traffic): limits per consumer, IP, route or header, shared by every
// gateway instance through the state backend.
import { definePolicy } from '../policy.ts';
import { rateLimitConfig } from './config.ts';
import { createRateLimit } from './rate-limit.ts';

/** Answers 429 (Retry-After, RateLimit headers) when a rule's limit is used up, or delays in throttle mode. */
export const rateLimit = definePolicy({
  name: 'rate-limit',
  stage: 'traffic',
  description:
    'Sliding-window and token-bucket limits keyed by consumer, IP, route, header, body member, form field, claim or query parameter; reject or throttle.',
  config: rateLimitConfig,
  errors: ['RAMPART_TRAFFIC_RATE_LIMITED', 'RAMPART_TRAFFIC_STATE_UNAVAILABLE'],
  create: (config, deps) => createRateLimit(config, deps),
});
