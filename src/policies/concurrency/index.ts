// The concurrency policy definition (traffic): a cap on requests in flight per route or consumer.
import { definePolicy } from '../policy.ts';
import { createConcurrency } from './concurrency.ts';
import { concurrencyConfig } from './config.ts';

/** Answers 503 when more than `max` requests are in flight for the key (after an optional bounded wait). */
export const concurrency = definePolicy({
  name: 'concurrency',
  stage: 'traffic',
  description: 'Caps requests in flight per route, consumer, IP or header, shared across instances.',
  config: concurrencyConfig,
  errors: ['RAMPART_TRAFFIC_CONCURRENCY_LIMITED', 'RAMPART_TRAFFIC_STATE_UNAVAILABLE'],
  create: (config, deps) => createConcurrency(config, deps),
});
