// The brute-force policy definition (authn): lockout after repeated failed authentications.
import { definePolicy } from '../policy.ts';
import { createBruteForce } from './brute-force.ts';
import { bruteForceConfig } from './config.ts';

/** Locks out client addresses and credentials after repeated failed authentications (429). */
export const bruteForce = definePolicy({
  name: 'brute-force',
  stage: 'authn',
  description:
    'Counts failed authentications per client IP and per credential; locks out with a growing period.',
  config: bruteForceConfig,
  errors: ['RAMPART_AUTHN_LOCKED_OUT'],
  create: (config, deps) => createBruteForce(config, deps),
});
