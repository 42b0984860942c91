// The openapi-validate policy definition (validation): the positive security model from a contract.
import { definePolicy } from '../policy.ts';
import { openapiValidateConfig } from './config.ts';
import { createOpenapiValidate } from './openapi-validate.ts';

/** Lets through only requests the OpenAPI contract describes: 400, 401, 403, 404, 405 or 415 otherwise. */
export const openapiValidate = definePolicy({
  name: 'openapi-validate',
  stage: 'validation',
  description:
    'Validates parameters and bodies against an OpenAPI 3.0/3.1 contract; refuses undocumented operations.',
  config: openapiValidateConfig,
  needs: { requestBody: true },
  errors: [
    'RAMPART_VALIDATION_REQUEST_INVALID',
    'RAMPART_VALIDATION_OPERATION_UNKNOWN',
    'RAMPART_VALIDATION_METHOD_NOT_ALLOWED',
    'RAMPART_VALIDATION_UNSUPPORTED_MEDIA_TYPE',
    'RAMPART_VALIDATION_FIELD_FORBIDDEN',
    'RAMPART_AUTHN_UNAUTHORIZED',
  ],
  create: (config, deps) => createOpenapiValidate(config, deps),
});
