// error-sanitize behaviour: hide upstream error bodies behind the gateway's generic problem document.
import {
  CONTINUE,
  type Deny,
  deny,
  type PolicyContext,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { ErrorSanitizeConfig } from './config.ts';
import { findLeak } from './leak-scanner.ts';
import { compileStatuses, selectsClientErrors } from './status-matcher.ts';

/**
 * Returns a deny that makes the pipeline replace the upstream body with problem+json (carrying the request
 * id); with `keepStatus` the client still sees the upstream's status (a 503 stays a 503).
 */
export function createErrorSanitize(config: ErrorSanitizeConfig): PolicyHandlers {
  const matches = compileStatuses(config.statuses);
  const inspect = config.hide === 'when-leaking';
  const hide = (status: number, rule: string, reason: string): Deny =>
    deny('RAMPART_RESPONSE_UPSTREAM_ERROR_HIDDEN', {
      reason: `upstream ${status}: ${reason}`,
      rule,
      location: 'response.body',
      ...(config.keepStatus ? { status } : {}),
    });

  function verdictFor(ctx: PolicyContext): Verdict {
    const response = ctx.response;
    // Local responses are the gateway's own problem documents: nothing to hide.
    if (response === undefined || response.local || !matches(response.status)) return CONTINUE;
    if (!inspect) return hide(response.status, 'status', 'error body replaced');
    // Fail closed: a body we could not see, or cannot read, may leak.
    if (response.body === undefined) return hide(response.status, 'unbuffered-body', 'body not inspected');
    const encoding = response.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') {
      return hide(response.status, 'encoded-body', 'body is content-encoded');
    }
    const leak = findLeak(response.body);
    return leak === undefined ? CONTINUE : hide(response.status, leak, `body shows a ${leak}`);
  }

  const handlers: PolicyHandlers = { onResponse: verdictFor };
  if (!inspect) return handlers;
  return { ...handlers, needs: { responseBody: selectsClientErrors(matches) ? true : 'errors' } };
}
