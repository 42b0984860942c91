// Object-level (BOLA) rules: a request parameter must equal an attribute of the caller, unless the
// caller holds an exempting role. Declarative: `param: params.id, equals: consumer.id, unlessRoles: [admin]`.
import { claimAt } from '../../identity/claims.ts';
import type { Identity, PolicyContext } from '../policy.ts';
import { jsonMember } from '../request-fields.ts';
import { enrichedOf } from './condition.ts';
import type { ObjectRuleConfig } from './config.ts';
import { compilePathPattern, type PathPattern } from './path-pattern.ts';

/** A compiled object rule. */
export interface ObjectRule {
  readonly name: string;
  readonly patterns: readonly PathPattern[];
  readonly methods: ReadonlySet<string> | undefined;
  readonly config: ObjectRuleConfig;
}

/** Compiles the rules; names default to `object-<index>`; throws unless a rule has one kind of binding. */
export function compileObjectRules(rules: readonly ObjectRuleConfig[], caseSensitive: boolean): ObjectRule[] {
  return rules.map((rule, index) => {
    const onRequest = rule.param !== undefined || rule.equals !== undefined;
    if (
      onRequest === (rule.response !== undefined) ||
      (onRequest && (rule.param === undefined || rule.equals === undefined))
    )
      throw new Error(`objects[${index}]: give either param and equals, or response`);
    return {
      name: rule.name ?? `object-${index}`,
      patterns: rule.paths.map((path) => compilePathPattern(path, caseSensitive)),
      methods: rule.methods === undefined ? undefined : new Set(rule.methods),
      config: rule,
    };
  });
}

/** Whether any rule reads the body (the route must then buffer it). */
export function needsBody(rules: readonly ObjectRuleConfig[]): boolean {
  return rules.some((rule) => rule.param?.startsWith('body.') === true);
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The parameter's value in this request (undefined when absent or not a scalar). */
export function parameterValue(
  ctx: PolicyContext,
  param: string,
  captured: Readonly<Record<string, string>>,
): string | undefined {
  const dot = param.indexOf('.');
  const source = param.slice(0, dot);
  const name = param.slice(dot + 1);
  switch (source) {
    case 'params':
      return captured[name] ?? ctx.route.params[name];
    case 'query': {
      // Two values for one parameter (HTTP parameter pollution) are refused as absent.
      const all = ctx.query.getAll(name);
      return all.length === 1 ? all[0] : undefined;
    }
    case 'header': {
      const value = ctx.headers[name];
      return typeof value === 'string' ? value : undefined;
    }
    default:
      // The body's parse is shared with the other policies of the request (src/openapi/json-body.ts).
      return jsonMember(ctx.body, name);
  }
}

/** The caller attribute a rule compares with: `consumer.id|name`, `claims.<path>`, `enriched.<path>`. */
export function subjectValue(identity: Identity, subject: string): string | undefined {
  if (subject === 'consumer.id') return identity.consumerId;
  if (subject === 'consumer.name') return identity.consumerName;
  if (subject.startsWith('enriched.'))
    return scalar(claimAt(enrichedOf(identity) ?? {}, subject.slice('enriched.'.length)));
  return scalar(claimAt(identity.claims ?? {}, subject.slice('claims.'.length)));
}

/** A scalar member of a JSON value at a dotted path, as a string. */
export function memberValue(value: unknown, path: string): string | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? scalar(claimAt(value as Record<string, unknown>, path))
    : undefined;
}
