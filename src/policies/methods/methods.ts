// methods behaviour: refuse methods outside the route's allow-list with 405 and an Allow header.
import {
  CONTINUE,
  type Deny,
  deny,
  type PolicyContext,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { MethodsConfig } from './config.ts';

/** The effective allow-list: the configured methods, plus HEAD when GET is listed and headWithGet is on. */
export function allowedMethods(config: MethodsConfig): string[] {
  const allowed = [...config.allow];
  if (config.headWithGet && allowed.includes('GET') && !allowed.includes('HEAD')) {
    allowed.splice(allowed.indexOf('GET') + 1, 0, 'HEAD');
  }
  return allowed;
}

/** Compiles the allow-list into a set and the 405 verdict once; each request is one set lookup. */
export function createMethods(config: MethodsConfig): PolicyHandlers {
  const allowed = allowedMethods(config);
  const set = new Set(allowed);
  // RFC 9110 §15.5.6: a 405 response MUST carry an Allow header listing the supported methods.
  const headers = Object.freeze({ allow: allowed.join(', ') });
  const refuse = (method: string): Deny =>
    deny('RAMPART_INGRESS_METHOD_NOT_ALLOWED', {
      headers,
      // Method tokens can be long and attacker-chosen; the reason keeps a bounded prefix.
      reason: `method ${method.slice(0, 32)} not in ${headers.allow}`,
      rule: 'method',
      location: 'method',
    });
  return {
    onRequest(ctx: PolicyContext): Verdict {
      return set.has(ctx.method) ? CONTINUE : refuse(ctx.method);
    },
  };
}
