// The login-guard policy definition (authn): lockout, stuffing signals and uniform answers for logins
// the upstream performs itself.
import { definePolicy } from '../policy.ts';
import { loginGuardConfig } from './config.ts';
import { createLoginGuard } from './login-guard.ts';

/** Guards an upstream's own login: 429 under lockout, counted from the upstream's failed answers. */
export const loginGuard = definePolicy({
  name: 'login-guard',
  stage: 'authn',
  description:
    'Guards logins the upstream performs: lockout per username and client IP, credential-stuffing signals, uniform failure answers.',
  config: loginGuardConfig,
  needs: { requestBody: true, responseBody: true },
  errors: ['RAMPART_AUTHN_LOCKED_OUT', 'RAMPART_AUTHN_LOGIN_FAILED'],
  create: (config, deps) => createLoginGuard(config, deps),
});
