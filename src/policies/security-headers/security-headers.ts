// security-headers behaviour: add protective response headers and strip revealing ones, on upstream and
// gateway-written responses alike.
import { CONTINUE, type PolicyContext, type PolicyHandlers, type Verdict } from '../policy.ts';
import type { SecurityHeadersConfig } from './config.ts';
import { compileHeaderPlan } from './header-plan.ts';

/** Applies the compiled header plan in the response phase; never denies. */
export function createSecurityHeaders(config: SecurityHeadersConfig): PolicyHandlers {
  const plan = compileHeaderPlan(config);
  return {
    onResponse(ctx: PolicyContext): Verdict {
      const response = ctx.response;
      if (response === undefined) return CONTINUE;
      const headers = response.headers;
      for (const name of plan.remove) delete headers[name];
      for (const edit of plan.set) {
        if (edit.replace || headers[edit.name] === undefined) headers[edit.name] = edit.value;
      }
      // RFC 6797 §7.2: HSTS is only meaningful over secure transport; the gateway owns TLS, so its
      // policy replaces whatever the upstream said.
      if (plan.hsts !== undefined && (ctx.secure || plan.hstsOnPlainHttp)) {
        headers['strict-transport-security'] = plan.hsts;
      }
      return CONTINUE;
    },
  };
}
