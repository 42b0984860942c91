// The methods policy definition (ingress): a per-route allow-list of request methods.
import { definePolicy } from '../policy.ts';
import { methodsConfig } from './config.ts';
import { createMethods } from './methods.ts';

/** Answers 405 with an Allow header for methods the route does not accept. */
export const methods = definePolicy({
  name: 'methods',
  stage: 'ingress',
  description: 'Allows only the listed request methods; others get 405 with an Allow header.',
  config: methodsConfig,
  errors: ['RAMPART_INGRESS_METHOD_NOT_ALLOWED'],
  create: (config) => createMethods(config),
});
