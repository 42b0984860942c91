// Object-level (BOLA) rules: a request parameter must equal an attribute of the caller, unless the
// caller holds an exempting role. Declarative: `param: params.id, equals: consumer.id, unlessRoles: [admin]`.
import { claimAt } from '../../identity/claims.ts';
import type { Identity, PolicyContext } from '../policy.ts';
import type { ObjectRuleConfig } from './config.ts';
import { compilePathPattern, type PathPattern } from './path-pattern.ts';

/** A compiled object rule. */
export interface ObjectRule {
  readonly name: string;
  readonly patterns: readonly PathPattern[];
  readonly methods: ReadonlySet<string> | undefined;
  readonly config: ObjectRuleConfig;
}

/** Compiles the rules; names default to `object-<index>`. */
export function compileObjectRules(rules: readonly ObjectRuleConfig[], caseSensitive: boolean): ObjectRule[] {
  return rules.map((rule, index) => ({
    name: rule.name ?? `object-${index}`,
    patterns: rule.paths.map((path) => compilePathPattern(path, caseSensitive)),
    methods: rule.methods === undefined ? undefined : new Set(rule.methods),
    config: rule,
  }));
}

/** Whether any rule reads the body (the route must then buffer it). */
export function needsBody(rules: readonly ObjectRuleConfig[]): boolean {
  return rules.some((rule) => rule.param.startsWith('body.'));
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function parseBody(ctx: PolicyContext, cache: { body?: unknown }): unknown {
  if (!('body' in cache)) {
    cache.body = undefined;
    const text = ctx.body?.toString('utf8');
    if (text !== undefined && text.length > 0) {
      try {
        cache.body = JSON.parse(text);
      } catch {
        cache.body = undefined;
      }
    }
  }
  return cache.body;
}

/** The parameter's value in this request (undefined when absent or not a scalar). */
export function parameterValue(
  ctx: PolicyContext,
  param: string,
  captured: Readonly<Record<string, string>>,
  bodyCache: { body?: unknown },
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
    default: {
      const body = parseBody(ctx, bodyCache);
      return body !== null && typeof body === 'object'
        ? scalar(claimAt(body as Record<string, unknown>, name))
        : undefined;
    }
  }
}

/** The caller attribute a rule compares with. */
export function subjectValue(identity: Identity, subject: string): string | undefined {
  if (subject === 'consumer.id') return identity.consumerId;
  if (subject === 'consumer.name') return identity.consumerName;
  return scalar(claimAt(identity.claims ?? {}, subject.slice('claims.'.length)));
}
