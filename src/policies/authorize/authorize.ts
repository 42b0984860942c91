// authorize behaviour (authz stage): default deny. Anonymous callers get 401 unless the route or a
// matching rule is public; identified callers need the first matching rule's roles/scopes, condition
// and step-up (BFLA), then every matching object rule must hold (BOLA): request parameters before the
// upstream is asked, learned owners likewise, and owners in the upstream's answer before the client
// sees it.
import { createMemoryState } from '../../state/memory.ts';
import type { StateStore } from '../../state/state.ts';
import {
  CONTINUE,
  type Deny,
  deny,
  type Identity,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import { type Condition, compileCondition } from './condition.ts';
import type { AuthorizeConfig, AuthorizeRule } from './config.ts';
import { compileLearned, LearnedOwnership, learnedNeeds, type OwnershipNote } from './learned-ownership.ts';
import {
  compileObjectRules,
  needsBody,
  type ObjectRule,
  parameterValue,
  subjectValue,
} from './object-rules.ts';
import { canonicalSegments, compilePathPattern, type PathPattern } from './path-pattern.ts';
import { checkResponseOwners } from './response-owner.ts';
import { type StepUp, stepUpVerdict } from './step-up.ts';

interface CompiledRule {
  readonly name: string;
  readonly patterns: readonly PathPattern[];
  readonly methods: ReadonlySet<string> | undefined;
  readonly rule: Pick<AuthorizeRule, 'anyOf' | 'allOf' | 'public' | 'deny' | 'authenticated'>;
  readonly when: Condition | undefined;
  readonly stepUp: StepUp | undefined;
}

/** Per request: what the response phase still has to check or learn. */
export interface AuthorizeRequest {
  /** Object rules that read the upstream's answer, matched on the request. */
  responseRules: ObjectRule[] | undefined;
  /** Creations and deletions to learn from once the answer is in. */
  notes: OwnershipNote[] | undefined;
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

function compileRules(config: AuthorizeConfig): CompiledRule[] {
  return config.rules.map((rule, index) => {
    const name = rule.name ?? `rule-${index}`;
    let when: Condition | undefined;
    try {
      when = rule.when === undefined ? undefined : compileCondition(rule.when);
    } catch (error) {
      throw new Error(`rules[${index}].when: ${(error as Error).message}`);
    }
    return {
      name,
      patterns: rule.paths.map((path) => compilePathPattern(path, config.caseSensitive)),
      methods: rule.methods === undefined ? undefined : new Set(rule.methods),
      rule,
      when,
      stepUp: rule.stepUp,
    };
  });
}

/** Builds the handlers; throws at load on a bad path pattern, condition or object rule. */
export function createAuthorize(config: AuthorizeConfig, deps: PolicyDeps): PolicyHandlers<AuthorizeRequest> {
  const rules = compileRules(config);
  const routeWide = config.anyOf !== undefined || config.allOf !== undefined;
  const compiledObjects = compileObjectRules(config.objects, config.caseSensitive);
  const requestObjects = compiledObjects.filter((object) => object.config.response === undefined);
  const responseObjects = compiledObjects.filter((object) => object.config.response !== undefined);
  const learnedEntries = compileLearned(config.learnOwnership, config.caseSensitive);
  let own: StateStore | undefined;
  let learned: LearnedOwnership | undefined;
  if (learnedEntries.length > 0) {
    if (deps.state === undefined) own = createMemoryState({ clock: deps.clock });
    learned = new LearnedOwnership(learnedEntries, deps.state ?? own!);
  }
  const learnedBodies = learnedNeeds(learnedEntries);

  const decide = (ctx: PolicyContext, request: AuthorizeRequest): MaybePromise<Verdict> => {
    // HEAD is GET without a body (RFC 9110 §9.3.2): it must not get past a GET rule.
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    const segments = canonicalSegments(ctx.path);
    let matched: CompiledRule | undefined;
    let captured: Record<string, string> = {};
    for (const rule of rules) {
      const params = matches(rule.patterns, rule.methods, method, segments);
      if (params !== undefined) {
        matched = rule;
        captured = params;
        break;
      }
    }
    const identity = ctx.identity;
    if (matched?.rule.deny === true) return forbidden(matched.name, `rule ${matched.name} denies ${method}`);
    if (identity === undefined) {
      for (const name of config.stripHeaders) ctx.removeUpstreamHeader(name);
      const open = config.public || matched?.rule.public === true;
      if (open && (matched?.when === undefined || matched.when.test({ identity, ctx, params: captured })))
        return CONTINUE;
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
      } else if (!config.public && !config.authenticated) {
        return forbidden('default-deny', `no rule grants ${method} ${ctx.path}`);
      }
    } else {
      const { rule } = matched;
      if (!rule.public && !rule.authenticated && !grants(identity, rule.anyOf, rule.allOf))
        return forbidden(matched.name, `${identity.consumerId} lacks the roles of rule ${matched.name}`);
      if (matched.when !== undefined && !matched.when.test({ identity, ctx, params: captured }))
        return forbidden(
          matched.name,
          `${identity.consumerId}: condition of rule ${matched.name} does not hold`,
        );
      if (matched.stepUp !== undefined) {
        const stepUp = stepUpVerdict(matched.stepUp, identity, matched.name);
        if (stepUp !== undefined) return stepUp;
      }
    }
    for (const object of requestObjects) {
      const params = matches(object.patterns, object.methods, method, segments);
      if (params === undefined) continue;
      const { config: rule } = object;
      if (rule.unlessRoles.some((role) => identity.scopes.includes(role))) continue;
      const param = rule.param!;
      const value = parameterValue(ctx, param, params);
      if (value === undefined) {
        if (rule.whenMissing === 'allow') continue;
        return { ...forbidden(object.name, `${param} missing`), location: param };
      }
      if (value !== subjectValue(identity, rule.equals!)) {
        return {
          ...forbidden(object.name, `${param} is not ${rule.equals} of ${identity.consumerId}`),
          location: param,
        };
      }
    }
    for (const object of responseObjects) {
      if (matches(object.patterns, object.methods, method, segments) === undefined) continue;
      if (object.config.unlessRoles.some((role) => identity.scopes.includes(role))) continue;
      if (request.responseRules === undefined) {
        request.responseRules = [];
        // The owner is read in the answer: ask for it unencoded (RFC 9110 §12.5.3).
        ctx.removeUpstreamHeader('accept-encoding');
      }
      request.responseRules.push(object);
    }
    if (learned === undefined) return CONTINUE;
    request.notes = [];
    return learned.check(ctx, identity, method, segments, request.notes);
  };

  const inResponse = responseObjects.length > 0 || learned !== undefined;
  return {
    needs: {
      requestBody: needsBody(config.objects) || learnedBodies.requestBody,
      responseBody: responseObjects.length > 0 || learnedBodies.responseBody,
    },
    requestState: (): AuthorizeRequest => ({ responseRules: undefined, notes: undefined }),
    onRequest: decide,
    ...(inResponse
      ? {
          onResponse(ctx: PolicyContext, request: AuthorizeRequest): MaybePromise<Verdict> {
            const identity = ctx.identity;
            if (identity !== undefined && request.responseRules !== undefined) {
              const verdict = checkResponseOwners(ctx, identity, request.responseRules);
              if (verdict.kind === 'deny') return verdict;
            }
            if (learned === undefined || request.notes === undefined || request.notes.length === 0)
              return CONTINUE;
            return learned.learn(ctx, request.notes).then(
              () => CONTINUE,
              (error: unknown) => {
                ctx.log.warn({ err: (error as Error).message }, 'authorize could not record an object owner');
                return CONTINUE;
              },
            );
          },
        }
      : {}),
    async close() {
      await own?.close();
    },
  };
}
