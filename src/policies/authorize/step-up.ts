// Step-up authentication (RFC 9470): an operation that needs a stronger authentication than the
// token shows (its `acr` among the accepted values, or its `amr` holding an accepted method) answers
// 401 with `WWW-Authenticate: Bearer error="insufficient_user_authentication"` and the `acr_values`
// the client should ask its authorization server for.
import { type Deny, deny, type Identity } from '../policy.ts';

/** A rule's step-up requirement. */
export interface StepUp {
  readonly acr?: readonly string[] | undefined;
  readonly amr?: readonly string[] | undefined;
}

/** Undefined when the identity's token satisfies the requirement, else the challenge. */
export function stepUpVerdict(stepUp: StepUp, identity: Identity, rule: string): Deny | undefined {
  const claims = identity.claims ?? {};
  const acr = claims.acr;
  const amr = claims.amr;
  const acrOk = stepUp.acr === undefined || (typeof acr === 'string' && stepUp.acr.includes(acr));
  const amrOk =
    stepUp.amr === undefined ||
    (Array.isArray(amr) && amr.some((method) => typeof method === 'string' && stepUp.amr!.includes(method)));
  if (acrOk && amrOk) return undefined;
  // acr values are restricted at load to characters allowed in a quoted string (RFC 9110 §5.6.4).
  const values = stepUp.acr === undefined ? '' : `, acr_values="${stepUp.acr.join(' ')}"`;
  return deny('RAMPART_AUTHN_STEP_UP_REQUIRED', {
    detail: 'This operation needs a stronger authentication.',
    reason: `${identity.consumerId}: token lacks the ${acrOk ? 'amr' : 'acr'} rule ${rule} requires`,
    rule,
    headers: {
      'www-authenticate': `Bearer error="insufficient_user_authentication", error_description="A different authentication level is required"${values}`,
    },
  });
}
