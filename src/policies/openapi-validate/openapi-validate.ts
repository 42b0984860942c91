// openapi-validate behaviour: match the request to an operation of the contract, check parameters,
// media type and body, and refuse members the caller's roles may not write (`x-rampart-write`).
import { parseBytes } from '../../lib/bytes.ts';
import {
  type CompiledOperation,
  checkRequest,
  compileContract,
  type Operation,
  type RequestCheck,
  type RequestCheckOptions,
  SchemaWalker,
} from '../../openapi/index.ts';
import {
  CONTINUE,
  deny,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import { sharedSpec, versionCacheOf } from '../spec-index.ts';
import { callerRoles } from './caller-roles.ts';
import type { OpenapiValidateConfig } from './config.ts';
import {
  type CredentialRequirements,
  compileRequirements,
  credentialQueryNames,
  credentialsPresent,
} from './credentials.ts';

/**
 * Compiles the contract once per config version (routes with the same spec and settings share it, and
 * its operation index with the other policies on the spec); throws when the spec is unusable.
 */
export function createOpenapiValidate(config: OpenapiValidateConfig, deps: PolicyDeps): PolicyHandlers {
  const shared = sharedSpec(deps, config.spec, config.basePath);
  const spec = shared.file;
  const rule = (option: 'reject' | 'allow' | undefined) =>
    (option ?? (config.strict ? 'reject' : 'allow')) === 'reject';
  const closeObjects = rule(config.undeclaredProperties);
  const refuseReadOnly = rule(config.readOnly);
  const eager = config.compile === 'eager';
  const contract = versionCacheOf(deps).once(
    `openapi:contract:${shared.path}:${shared.basePath}:${closeObjects}:${refuseReadOnly}:${eager}:${config.inferFormats}`,
    () =>
      compileContract(spec, {
        closeObjects,
        refuseReadOnly,
        eager,
        index: shared.index,
        inferFormats: config.inferFormats,
      }),
  );
  const walker = new SchemaWalker(spec.document);
  // Most contracts guard no member by role: then there is nothing to walk a request body for.
  const writeGuards = walker.uses('x-rampart-write');
  const passUnknown = config.unknownOperations === 'pass';
  const options: RequestCheckOptions = {
    rejectUnknownQuery: rule(config.unknownQuery),
    credentialQuery: credentialQueryNames(spec.document),
    maxViolations: config.maxViolations,
    multipart: {
      maxParts: config.multipart.maxParts,
      maxFieldBytes: parseBytes(config.multipart.maxFieldBytes),
      maxFileBytes: parseBytes(config.multipart.maxFileBytes),
    },
  };
  deps.log.info(
    { spec: config.spec, operations: contract.index.operations.length, compile: config.compile },
    'openapi contract loaded',
  );

  // Per operation, compiled on its first request: what its `security` requires.
  const requirements = new WeakMap<Operation, CredentialRequirements>();
  function missingCredentials(ctx: PolicyContext, operation: Operation): Verdict | undefined {
    let required = requirements.get(operation);
    if (required === undefined) {
      required = compileRequirements(spec.document, operation);
      requirements.set(operation, required);
    }
    if (credentialsPresent(required, ctx)) return undefined;
    const own = required.challenges.join(', ');
    return deny('RAMPART_AUTHN_UNAUTHORIZED', {
      detail: 'Authentication is required.',
      rule: 'credentials-missing',
      location: 'header.authorization',
      reason: `${operation.operationId ?? `${operation.method} ${operation.path}`}: no credential of a scheme its security requires`,
      // The route's own authn methods know their challenges best; the spec's schemes otherwise.
      headers: { 'www-authenticate': ctx.authn.challengeHeader() || own || 'Bearer' },
    });
  }

  function decide(
    ctx: PolicyContext,
    compiled: CompiledOperation,
    params: Record<string, string>,
    check: RequestCheck,
  ): Verdict {
    const operationId =
      compiled.operation.operationId ?? `${compiled.operation.method} ${compiled.operation.path}`;
    if (check.kind === 'media') {
      const accepted = check.accepted.join(', ');
      return deny('RAMPART_VALIDATION_UNSUPPORTED_MEDIA_TYPE', {
        rule: 'content-type',
        location: 'header.content-type',
        reason: `${operationId}: content type not accepted`,
        extensions: { accepted: check.accepted },
        // RFC 9110 §15.5.16: a 415 may say which formats would do; Accept-Post/-Patch (RFC 5789) name them.
        headers: ctx.method === 'PATCH' ? { 'accept-patch': accepted } : { 'accept-post': accepted },
      });
    }
    if (check.kind === 'invalid') {
      const first = check.violations[0]!;
      return deny('RAMPART_VALIDATION_REQUEST_INVALID', {
        rule: 'schema',
        location: first.location,
        reason: `${operationId}: ${check.violations.length} violation(s), first ${first.location} ${first.message}`,
        extensions: { violations: check.violations },
      });
    }
    if (writeGuards && check.body !== undefined && check.bodySchema !== undefined) {
      const owner =
        config.selfParam === undefined
          ? undefined
          : (params[config.selfParam] ?? ctx.route.params[config.selfParam]);
      const findings = walker.walk(check.body, check.bodySchema, 'body', {
        undeclared: false,
        writeOnly: false,
        roles: { extension: 'x-rampart-write', held: callerRoles(ctx.identity, owner) },
        remove: false,
        maxFindings: config.maxViolations,
      });
      if (findings.length > 0) {
        return deny('RAMPART_VALIDATION_FIELD_FORBIDDEN', {
          rule: 'field-role',
          location: findings[0]!.location,
          reason: `${operationId}: caller may not set ${findings.map((f) => f.location).join(', ')}`,
          extensions: { fields: findings.map((f) => f.location) },
        });
      }
    }
    return CONTINUE;
  }

  return {
    onRequest(ctx: PolicyContext): Verdict | Promise<Verdict> {
      const match = ctx.matchOperation(contract.index);
      if (match.kind === 'not-found') {
        if (passUnknown) return CONTINUE;
        return deny('RAMPART_VALIDATION_OPERATION_UNKNOWN', {
          rule: 'operation',
          location: 'path',
          reason: 'path not in the contract',
        });
      }
      if (match.kind === 'method-not-allowed') {
        if (passUnknown) return CONTINUE;
        return deny('RAMPART_VALIDATION_METHOD_NOT_ALLOWED', {
          rule: 'operation',
          location: 'method',
          reason: `${ctx.method} not in the contract for this path`,
          headers: { allow: match.allow.join(', ') },
        });
      }
      // `/responses?beta=true` beside `/responses`: the query picks the template.
      const operation = contract.index.variantFor?.(match.operation, ctx.query) ?? match.operation;
      if (config.requireCredentials && ctx.identity === undefined) {
        const refused = missingCredentials(ctx, operation);
        if (refused !== undefined) return refused;
      }
      const compiled = contract.compiled(operation);
      ctx.annotate('operation', operation.operationId ?? `${operation.method} ${operation.path}`);
      const check = checkRequest(
        spec.document,
        compiled,
        { pathParams: match.params, query: ctx.query, headers: ctx.headers, body: ctx.body },
        options,
      );
      return check instanceof Promise
        ? check.then((result) => decide(ctx, compiled, match.params, result))
        : decide(ctx, compiled, match.params, check);
    },
  };
}
