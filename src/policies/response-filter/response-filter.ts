// response-filter behaviour: walk the JSON response with the operation's response schema; members the
// contract does not declare, writeOnly members and members the caller's roles may not read
// (`x-rampart-read`) are removed (or the response blocked), each removal evented with its path.
import {
  documentedResponse,
  essenceOf,
  forgetJson,
  formatOf,
  issuesCredentials,
  jsonOf,
  type Operation,
  type OperationMatch,
  replaceJson,
  SchemaWalker,
} from '../../openapi/index.ts';
import { callerRoles } from '../openapi-validate/caller-roles.ts';
import {
  CONTINUE,
  deny,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type ResponseView,
  type Verdict,
} from '../policy.ts';
import { sharedSpec } from '../spec-index.ts';
import type { ResponseFilterConfig } from './config.ts';
import { compileNeverLeave, removeNeverLeave } from './never-leave.ts';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Shares the spec's operation index of the config version; throws when the spec is unusable. */
export function createResponseFilter(config: ResponseFilterConfig, deps: PolicyDeps): PolicyHandlers {
  const { file: spec, index } = sharedSpec(deps, config.spec, config.basePath);
  const walker = new SchemaWalker(spec.document);
  // `report` concerns undeclared members only: writeOnly and role-guarded members are never returned.
  const remove = config.undeclared === 'report' ? (['write-only', 'role'] as const) : true;

  function undocumented(ctx: PolicyContext, reason: string): Verdict {
    if (config.undocumented === 'block') {
      return deny('RAMPART_RESPONSE_CONTRACT_VIOLATION', {
        rule: 'undocumented-response',
        location: 'response',
        reason,
      });
    }
    ctx.emit({ rule: 'undocumented-response', location: 'response', reason, severity: 'low' });
    return CONTINUE;
  }

  const neverLeave = compileNeverLeave(config.neverLeave);
  const allowOn = new Set(config.allowOn);
  const issuing = new Map<Operation, boolean>();
  const credentialOperations = (operation: Operation): boolean => {
    let known = issuing.get(operation);
    if (known === undefined) {
      known = issuesCredentials(spec.document, operation);
      issuing.set(operation, known);
    }
    return known;
  };

  return {
    // The filter reads the body, so ask the upstream for an unencoded one (RFC 9110 §12.5.3).
    onRequest(ctx: PolicyContext): Verdict {
      ctx.removeUpstreamHeader('accept-encoding');
      return CONTINUE;
    },
    onResponse(ctx: PolicyContext): Verdict {
      const response = ctx.response;
      if (
        response === undefined ||
        response.local ||
        response.body === undefined ||
        response.body.length === 0
      ) {
        return CONTINUE;
      }
      const match = ctx.matchOperation(index);
      const verdict = match.kind === 'found' ? contract(ctx, response, match) : CONTINUE;
      if (verdict.kind === 'deny' || neverLeave.size === 0) return verdict;
      return removeSecrets(ctx, response, match.kind === 'found' ? match.operation : undefined);
    },
  };

  /** Never-leave members, removed from every JSON answer of the route whatever the spec says. */
  function removeSecrets(
    ctx: PolicyContext,
    response: ResponseView,
    operation: Operation | undefined,
  ): Verdict {
    const body = response.body;
    if (body === undefined || body.length === 0) return CONTINUE;
    const essence = essenceOf(header(response.headers['content-type']));
    if (essence === undefined || formatOf(essence) !== 'json') return CONTINUE;
    const encoding = header(response.headers['content-encoding']);
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return CONTINUE;
    let keepIssued = false;
    if (operation !== undefined) {
      if (allowOn.has(operation.operationId ?? '') || allowOn.has(`${operation.method} ${operation.path}`))
        return CONTINUE;
      // A login or token answer carries the caller's own credential: it must reach the caller.
      keepIssued = credentialOperations(operation);
    }
    const parsed = jsonOf(body);
    if (!parsed.ok) return CONTINUE;
    const removed = removeNeverLeave(parsed.value, neverLeave, keepIssued, config.maxFindings);
    if (removed.length === 0) return CONTINUE;
    if (removed.length > config.maxFindings) {
      forgetJson(body);
      return deny('RAMPART_RESPONSE_CONTRACT_VIOLATION', {
        rule: 'never-leave-member',
        location: removed[0]!,
        reason: `more than ${config.maxFindings} never-leave members`,
      });
    }
    for (const location of removed)
      ctx.emit({
        rule: 'never-leave-member',
        location,
        reason: 'removed a secret-named member',
        severity: 'high',
      });
    ctx.annotate('responseSecretsRemoved', removed.length);
    response.body = replaceJson(body, parsed.value);
    return CONTINUE;
  }

  function contract(
    ctx: PolicyContext,
    response: ResponseView,
    match: Extract<OperationMatch, { kind: 'found' }>,
  ): Verdict {
    const body = response.body!;
    const documented = documentedResponse(
      match.operation,
      response.status,
      header(response.headers['content-type']),
    );
    if (documented.kind === 'undocumented')
      return undocumented(ctx, `status ${response.status} not documented`);
    if (documented.kind === 'media-undocumented') return undocumented(ctx, 'content type not documented');
    if (documented.kind === 'no-content') return undocumented(ctx, 'body where the contract documents none');
    if (formatOf(documented.essence) !== 'json' || documented.schema === undefined) return CONTINUE;
    const encoding = header(response.headers['content-encoding']);
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      return deny('RAMPART_RESPONSE_UNINSPECTABLE', {
        rule: 'encoded-body',
        location: 'response.body',
        reason: `content-encoding ${encoding}`,
      });
    }
    const parsed = jsonOf(body);
    if (!parsed.ok) {
      return deny('RAMPART_RESPONSE_UNINSPECTABLE', {
        rule: 'invalid-json',
        location: 'response.body',
        reason: 'body is not JSON',
      });
    }
    const owner =
      config.selfParam === undefined
        ? undefined
        : (match.params[config.selfParam] ?? ctx.route.params[config.selfParam]);
    const value = parsed.value;
    const findings = walker.walk(value, documented.schema, 'response.body', {
      undeclared: true,
      writeOnly: true,
      roles: { extension: 'x-rampart-read', held: callerRoles(ctx.identity, owner) },
      remove,
      maxFindings: config.maxFindings + 1,
    });
    if (findings.length === 0) return CONTINUE;
    const contractBroken = findings.some((finding) => finding.kind !== 'role');
    if (findings.length > config.maxFindings || (config.undeclared === 'block' && contractBroken)) {
      // The walk removed members from the shared value; the body stays as the upstream sent it.
      if (findings.some((finding) => finding.removed)) forgetJson(body);
      return deny('RAMPART_RESPONSE_CONTRACT_VIOLATION', {
        rule: 'undeclared-member',
        location: findings[0]!.location,
        reason: `${findings.length} member(s) outside the contract, first ${findings[0]!.location}`,
      });
    }
    for (const finding of findings) {
      ctx.emit({
        rule: `${finding.kind}-member`,
        location: finding.location,
        reason: finding.removed ? `removed ${finding.kind} member` : `${finding.kind} member returned`,
        severity: finding.kind === 'role' ? 'low' : 'medium',
      });
    }
    ctx.annotate('responseMembersFiltered', findings.length);
    if (findings.some((finding) => finding.removed)) response.body = replaceJson(body, value);
    return CONTINUE;
  }
}
