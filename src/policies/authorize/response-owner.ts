// Ownership read from the upstream's answer: for objects whose request names no owner
// (`GET /books/{title}`), the owner member of the JSON answer must equal the caller's attribute, or
// the answer is replaced by 404 (or 403) before the client sees any of it. Error answers pass as
// they are (they carry no object).
import { jsonOf } from '../../openapi/index.ts';
import { CONTINUE, type Identity, type PolicyContext, type Verdict } from '../policy.ts';
import { hidden } from './learned-ownership.ts';
import { memberValue, type ObjectRule, subjectValue } from './object-rules.ts';

/** Checks a 2xx answer against the response rules matched on the request. */
export function checkResponseOwners(
  ctx: PolicyContext,
  identity: Identity,
  rules: readonly ObjectRule[],
): Verdict {
  const response = ctx.response;
  if (response === undefined || response.local || response.status < 200 || response.status > 299)
    return CONTINUE;
  const parsed = response.body === undefined ? undefined : jsonOf(response.body);
  for (const object of rules) {
    const { member, equals } = object.config.response!;
    const location = `response.body.${member}`;
    const owner = parsed?.ok === true ? memberValue(parsed.value, member) : undefined;
    if (owner === undefined) {
      // An answer without the owner (not JSON, too large to buffer, the member missing) cannot be
      // shown to hold: refused unless the rule says otherwise.
      if (object.config.whenMissing === 'allow') continue;
      return hidden(object.config.hide, object.name, `answer has no ${member}`, location);
    }
    if (owner !== subjectValue(identity, equals))
      return hidden(
        object.config.hide,
        object.name,
        `${member} is not ${equals} of ${identity.consumerId}`,
        location,
      );
  }
  return CONTINUE;
}
