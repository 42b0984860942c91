// Reading the upstream's answer to a login: failed (any configured signal: a status, a JSON member
// with a value, a text in the body), succeeded (a 2xx without any of them), or neither (a 400, a 5xx).

import { claimAt } from '../../identity/claims.ts';
import { jsonOf } from '../../openapi/index.ts';
import type { ResponseView } from '../policy.ts';
import type { LoginGuardConfig } from './config.ts';

export type LoginOutcome = 'failed' | 'succeeded' | 'other';

function encoded(response: ResponseView): boolean {
  const value = response.headers['content-encoding'];
  const encoding = Array.isArray(value) ? value[0] : value;
  return encoding !== undefined && encoding.toLowerCase() !== 'identity';
}

/** Whether the body must be buffered to classify answers under this config. */
export function needsAnswerBody(failure: LoginGuardConfig['failure']): boolean {
  return failure.json !== undefined || failure.bodyContains !== undefined;
}

/** Classifies one upstream answer. */
export function loginOutcome(failure: LoginGuardConfig['failure'], response: ResponseView): LoginOutcome {
  if (failure.status.includes(response.status)) return 'failed';
  // A body the signals cannot be read in (too large to buffer, content-encoded) proves no success:
  // counting it as one would reset the username's counter.
  if (needsAnswerBody(failure) && (response.bodyTooLarge === true || encoded(response))) return 'other';
  const body = response.body;
  if (body !== undefined && body.length > 0) {
    if (failure.json !== undefined) {
      const parsed = jsonOf(body);
      if (parsed.ok && parsed.value !== null && typeof parsed.value === 'object') {
        const value = claimAt(parsed.value as Record<string, unknown>, failure.json.member);
        if (value === failure.json.equals) return 'failed';
      }
    }
    // Buffer#indexOf is a linear substring search (no pattern, no backtracking).
    if (failure.bodyContains !== undefined && body.indexOf(failure.bodyContains, 0, 'utf8') !== -1)
      return 'failed';
  }
  return response.status >= 200 && response.status < 300 ? 'succeeded' : 'other';
}
