// The sensitive-data policy definition (response): mask, block or report sensitive values.
import { definePolicy } from '../policy.ts';
import { sensitiveDataConfig } from './config.ts';
import { createSensitiveData } from './sensitive-data.ts';

/** Masks, blocks or reports card numbers, IBANs, SSNs, emails, phones, JWTs and keys in bodies. */
export const sensitiveData = definePolicy({
  name: 'sensitive-data',
  stage: 'response',
  description:
    'Finds card numbers, IBANs, SSNs, emails, phones, JWTs and keys in bodies; masks, blocks or reports them.',
  config: sensitiveDataConfig,
  needs: { responseBody: true },
  errors: [
    'RAMPART_RESPONSE_SENSITIVE_DATA',
    'RAMPART_RESPONSE_UNINSPECTABLE',
    'RAMPART_VALIDATION_SENSITIVE_DATA',
  ],
  create: (config) => createSensitiveData(config),
});
