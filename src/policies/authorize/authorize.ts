// authorize behaviour (authz stage): default deny. Anonymous callers get 401 unless the route or a
// matching rule is public; identified callers need the first matching rule's roles/scopes (BFLA),
// then every matching object rule (BOLA) must hold.
import {
  CONTINUE,
  type Deny,
  deny,
  type Identity,
  type PolicyContext,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { AuthorizeConfig, AuthorizeRule } from './config.ts';
import { compileObjectRules, needsBody, parameterValue, subjectValue } from './object-rules.ts';
import { canonicalSegments, compilePathPattern, type PathPattern } from './path-pattern.ts';

interface CompiledRule {
  readonly name: string;
  readonly patterns: readonly PathPattern[];
  readonly methods: ReadonlySet<string> | undefined;
  readonly rule: Pick<AuthorizeRule, 'anyOf' | 'allOf' | 'public' | 'deny'>;
}

const forbidden = (rule: string, reason: string): Deny =>
  deny('RAMPART_AUTHZ_FORBIDDEN', { detail: 'You are not allowed to do this.', reason, rule });

function grants(
  identity: Identity,
  anyOf: readonly string[] | undefined,
  allOf: readonly string[] | undefined,
): boolean {
  const held = identity.scopes;
  if (anyOf !== undefined && anyOf.length > 0 && !anyOf.some((name) => held.includes(name))) return false;
  if (allOf !== undefined && !allOf.every((name) => held.includes(name))) return false;
  return true;
}

function matches(
  patterns: readonly PathPattern[],
  methods: ReadonlySet<string> | undefined,
  method: string,
  segments: readonly string[],
): Record<string, string> | undefined {
  if (methods !== undefined && !methods.has(method)) return undefined;
  for (const pattern of patterns) {
    const params = pattern.match(segments);
    if (params !== undefined) return params;
  }
  return undefined;
}

/** Builds the handlers; throws at load on a bad path pattern. */
export function createAuthorize(config: AuthorizeConfig): PolicyHandlers {
  const rules: CompiledRule[] = config.rules.map((rule, index) => ({
    name: rule.name ?? `rule-${index}`,
    patterns: rule.paths.map((path) => compilePathPattern(path, config.caseSensitive)),
    methods: rule.methods === undefined ? undefined : new Set(rule.methods),
    rule,
  }));
  const routeWide = config.anyOf !== undefined || config.allOf !== undefined;
  const objects = compileObjectRules(config.objects, config.caseSensitive);

  const decide = (ctx: PolicyContext): Verdict => {
    // HEAD is GET without a body (RFC 9110 §9.3.2): it must not get past a GET rule.
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    const segments = canonicalSegments(ctx.path);
    let matched: CompiledRule | undefined;
    for (const rule of rules) {
      if (matches(rule.patterns, rule.methods, method, segments) !== undefined) {
        matched = rule;
        break;
      }
    }
    const identity = ctx.identity;
    if (matched?.rule.deny === true) return forbidden(matched.name, `rule ${matched.name} denies ${method}`);
    if (identity === undefined) {
      for (const name of config.stripHeaders) ctx.removeUpstreamHeader(name);
      if (config.public || matched?.rule.public === true) return CONTINUE;
      return deny('RAMPART_AUTHN_UNAUTHORIZED', {
        detail: 'Authentication is required.',
        reason: 'anonymous request to a protected route',
        rule: 'anonymous',
        headers: { 'www-authenticate': ctx.authn.challengeHeader() || config.challenge },
      });
    }
    if (matched === undefined) {
      if (routeWide) {
        if (!grants(identity, config.anyOf, config.allOf))
          return forbidden('route', `${identity.consumerId} lacks the route's roles`);
      } else if (!config.public) {
        return forbidden('default-deny', `no rule grants ${method} ${ctx.path}`);
      }
    } else if (!matched.rule.public && !grants(identity, matched.rule.anyOf, matched.rule.allOf)) {
      return forbidden(matched.name, `${identity.consumerId} lacks the roles of rule ${matched.name}`);
    }
    const bodyCache: { body?: unknown } = {};
    for (const object of objects) {
      const captured = matches(object.patterns, object.methods, method, segments);
      if (captured === undefined) continue;
      const { config: rule } = object;
      if (rule.unlessRoles.some((role) => identity.scopes.includes(role))) continue;
      const value = parameterValue(ctx, rule.param, captured, bodyCache);
      if (value === undefined) {
        if (rule.whenMissing === 'allow') continue;
        return { ...forbidden(object.name, `${rule.param} missing`), location: rule.param };
      }
      if (value !== subjectValue(identity, rule.equals)) {
        return {
          ...forbidden(object.name, `${rule.param} is not ${rule.equals} of ${identity.consumerId}`),
          location: rule.param,
        };
      }
    }
    return CONTINUE;
  };

  return {
    onRequest: decide,
    needs: { requestBody: needsBody(config.objects) },
  };
}
