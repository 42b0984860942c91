// The graphql behaviour: extract the GraphQL requests of an HTTP request (bounded first), check
// persisted-query rules, parse (cached by text), analyze limits, cost, introspection and field roles,
// inspect variables and arguments with the detection engine; on the way back, answer refusals in the
// GraphQL response shape the client asked for and strip schema hints from upstream errors.
import { type DocumentNode, GraphQLError, parse } from 'graphql';
import { createDetector, type Input, inputsFromJsonValue } from '../../detect/index.ts';
import type { ErrorCode } from '../../errors/codes.ts';
import { parseBytes } from '../../lib/bytes.ts';
import { detectionVerdict } from '../detect/verdict.ts';
import { callerRoles } from '../openapi-validate/caller-roles.ts';
import {
  CONTINUE,
  type Deny,
  deny,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import { type AnalysisLimits, analyzeDocument } from './analyze.ts';
import type { GraphqlConfig } from './config.ts';
import { createTextCache } from './document-cache.ts';
import { documentHash, loadPersistedDocuments, requestedHash } from './persisted.ts';
import { extractRequests, type GraphqlParams } from './request-params.ts';
import {
  GRAPHQL_RESPONSE_TYPE,
  type GraphqlMedia,
  graphqlErrorBody,
  graphqlMediaOf,
  JSON_TYPE,
  problemSummaryOf,
  stripSuggestions,
} from './response-shape.ts';
import { compileSchemaRules } from './schema-rules.ts';

/** What one request's phases share. */
interface GraphqlState {
  media: GraphqlMedia | undefined;
}

/**
 * Refusals of a well-formed GraphQL request: under application/json the spec answers them with 200
 * and the errors in the body (GraphQL over HTTP, "application/json" status codes); requests that are
 * not well-formed (bad JSON, wrong media type or method, too large) keep their 4xx.
 */
const REQUEST_ERRORS: ReadonlySet<string> = new Set<ErrorCode>([
  'RAMPART_GRAPHQL_TOO_DEEP',
  'RAMPART_GRAPHQL_TOO_MANY_ALIASES',
  'RAMPART_GRAPHQL_TOO_MANY_DIRECTIVES',
  'RAMPART_GRAPHQL_TOO_COSTLY',
  'RAMPART_GRAPHQL_TOO_COMPLEX',
  'RAMPART_GRAPHQL_INTROSPECTION_DISABLED',
  'RAMPART_GRAPHQL_FIELD_FORBIDDEN',
  'RAMPART_GRAPHQL_PERSISTED_QUERY_NOT_FOUND',
  'RAMPART_GRAPHQL_PERSISTED_QUERY_REFUSED',
  'RAMPART_GRAPHQL_DOCUMENT_INVALID',
]);

// Parsed documents: 512 of them, their texts at most 4 MiB together (each at most 256 KiB; an AST
// is some ten times its text). Documents remembered by APQ hash: 4096, 8 MiB of text.
const PARSE_CACHE_ENTRIES = 512;
const PARSE_CACHE_BYTES = 4 * 1024 * 1024;
const SEEN_HASH_ENTRIES = 4096;
const SEEN_HASH_BYTES = 8 * 1024 * 1024;

/** Builds the policy's handlers from a validated config. */
export function createGraphql(config: GraphqlConfig, deps: PolicyDeps): PolicyHandlers<GraphqlState> {
  const maxBytes = parseBytes(config.maxBytes);
  const rules = compileSchemaRules(config.schema, deps.baseDir, config.roles);
  const persistedConfig = config.persistedQueries;
  const persisted = loadPersistedDocuments(persistedConfig.manifest, deps.baseDir, persistedConfig.hashes);
  const allowList = persistedConfig.mode === 'allow-list';
  const limits: AnalysisLimits = {
    maxDepth: config.maxDepth,
    maxAliases: config.maxAliases,
    maxDirectives: config.maxDirectives,
    maxCost: config.maxCost,
    cost: config.cost,
    introspection: config.introspection,
    rules,
  };
  const detectConfig = config.detect;
  const detectBudget = detectConfig === undefined ? 0 : parseBytes(detectConfig.budget);
  const engine =
    detectConfig === undefined
      ? undefined
      : createDetector({
          paranoia: detectConfig.paranoia,
          ...(detectConfig.threshold === undefined ? {} : { threshold: detectConfig.threshold }),
          budgetBytes: detectBudget,
          exclusions: detectConfig.exclusions,
        });
  // Parsed documents by text (clients repeat a handful of documents), and the documents APQ clients
  // registered by hash, so a later hash-only request is analyzed like the first one.
  const parsed = createTextCache<DocumentNode>(PARSE_CACHE_ENTRIES, PARSE_CACHE_BYTES);
  const seen = createTextCache<string>(SEEN_HASH_ENTRIES, SEEN_HASH_BYTES, (text) => text.length);
  if (rules.schema !== undefined || persisted.size > 0) {
    deps.log.info(
      { schema: config.schema, roleRules: rules.ruleCount, persisted: persisted.size },
      'graphql: schema and persisted queries loaded',
    );
  }

  function parseDocument(text: string): DocumentNode | Deny {
    const cached = parsed.get(text);
    if (cached !== undefined) return cached;
    try {
      const document = parse(text, { maxTokens: config.maxTokens, noLocation: true });
      parsed.set(text, document);
      return document;
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      // graphql-js's own wording when maxTokens stops the parser (a user's text never starts it).
      const tokens = error.message.startsWith('Syntax Error: Document contains more th');
      return deny(tokens ? 'RAMPART_GRAPHQL_TOO_COMPLEX' : 'RAMPART_GRAPHQL_DOCUMENT_INVALID', {
        rule: tokens ? 'tokens' : 'syntax',
        location: 'graphql',
        reason: error.message.slice(0, 200),
      });
    }
  }

  /** The document text a request runs, or the verdict that refuses it (CONTINUE: allowed unseen). */
  function documentText(params: GraphqlParams): string | Verdict {
    const hash = requestedHash(params);
    if (hash === 'invalid')
      return deny('RAMPART_GRAPHQL_REQUEST_INVALID', {
        rule: 'persisted-hash',
        reason: 'malformed document hash',
      });
    const query = params.query;
    if (query !== undefined) {
      if (hash !== undefined && hash !== documentHash(query))
        return deny('RAMPART_GRAPHQL_REQUEST_INVALID', {
          rule: 'persisted-hash',
          reason: "hash is not the document's",
        });
      if (allowList && !persisted.has(hash ?? documentHash(query)))
        return deny('RAMPART_GRAPHQL_PERSISTED_QUERY_REFUSED', {
          rule: 'allow-list',
          reason: 'document not on the allow-list',
        });
      if (hash !== undefined) seen.set(hash, query);
      return query;
    }
    if (hash === undefined)
      return deny('RAMPART_GRAPHQL_REQUEST_INVALID', {
        rule: 'params',
        reason: 'no query and no document id',
      });
    if (allowList && !persisted.has(hash))
      return deny('RAMPART_GRAPHQL_PERSISTED_QUERY_REFUSED', {
        rule: 'allow-list',
        reason: `hash ${hash} not listed`,
      });
    const known = persisted.documentOf(hash) ?? seen.get(hash);
    if (known !== undefined) return known;
    // Listed without its text: the allow-list is the check. Otherwise the gateway cannot see what runs.
    if (allowList || persistedConfig.unknownHash === 'pass') return CONTINUE;
    return deny('RAMPART_GRAPHQL_PERSISTED_QUERY_NOT_FOUND', {
      rule: 'unknown-hash',
      reason: `hash ${hash} not seen`,
    });
  }

  function inspect(ctx: PolicyContext, inputs: Input[]): Verdict {
    if (engine === undefined || inputs.length === 0) return CONTINUE;
    return detectionVerdict(ctx, engine.inspect(inputs), detectBudget);
  }

  function onRequest(ctx: PolicyContext, state: GraphqlState): Verdict {
    state.media = graphqlMediaOf(ctx.headers.accept);
    const extracted = extractRequests(ctx, maxBytes, config.allowGet);
    if (!extracted.ok) {
      const { code, rule, reason, headers } = extracted;
      return deny(code, headers === undefined ? { rule, reason } : { rule, reason, headers });
    }
    const { requests } = extracted;
    if (requests.length > config.maxBatch)
      return deny('RAMPART_GRAPHQL_BATCH_TOO_LARGE', {
        rule: 'batch',
        reason: `${requests.length} operations > ${config.maxBatch}`,
      });
    const roles = callerRoles(ctx.identity, undefined);
    const inputs: Input[] = [];
    let depth = 0;
    let cost = 0;
    for (let i = 0; i < requests.length; i++) {
      const params = requests[i]!;
      const prefix = extracted.batch ? `graphql[${i}]` : 'graphql';
      if (params.variables !== undefined && engine !== undefined)
        inputs.push(...inputsFromJsonValue(params.variables, `${prefix}.variables`));
      const text = documentText(params);
      if (typeof text !== 'string') {
        if (text.kind === 'deny') return text;
        continue;
      }
      const document = parseDocument(text);
      if (document.kind === 'deny') return document;
      const analysis = analyzeDocument(document, params.operationName, params.variables, roles, limits);
      if (!analysis.ok) {
        const { code, rule, reason, location } = analysis;
        const where = location === undefined ? prefix : prefix + location.slice('graphql'.length);
        return deny(code, { rule, reason, location: where });
      }
      if (extracted.get && analysis.operations.some((operation) => operation !== 'query'))
        return deny('RAMPART_GRAPHQL_METHOD_NOT_ALLOWED', {
          rule: 'get-mutation',
          reason: 'only queries run over GET',
          headers: { allow: 'POST' },
        });
      if (engine !== undefined)
        for (const argument of analysis.arguments)
          inputs.push({
            location: prefix + argument.location.slice('graphql'.length),
            value: argument.value,
            kind: 'body',
          });
      depth = Math.max(depth, analysis.depth);
      cost += analysis.cost;
    }
    if (cost > config.maxCost)
      return deny('RAMPART_GRAPHQL_TOO_COSTLY', {
        rule: 'cost',
        reason: `batch cost ${cost} > ${config.maxCost}`,
      });
    ctx.annotate('graphql_depth', depth);
    ctx.annotate('graphql_cost', cost);
    if (requests.length > 1) ctx.annotate('graphql_batch', requests.length);
    // Hints in upstream errors are removed from the buffered body, which must be readable.
    if (!config.suggestions) ctx.setUpstreamHeader('accept-encoding', 'identity');
    return inspect(ctx, inputs);
  }

  function onResponse(ctx: PolicyContext, state: GraphqlState): Verdict {
    const response = ctx.response;
    if (response === undefined) return CONTINUE;
    if (response.local) {
      // Refusals only: a CORS preflight answer (204) is not an error.
      if (response.status < 400) return CONTINUE;
      const media = state.media ?? graphqlMediaOf(ctx.headers.accept);
      if (media === undefined) return CONTINUE;
      const problem = problemSummaryOf(response.body);
      if (problem === undefined) return CONTINUE;
      response.body = graphqlErrorBody(problem);
      response.headers['content-type'] = media === 'json' ? JSON_TYPE : GRAPHQL_RESPONSE_TYPE;
      if (media === 'json' && REQUEST_ERRORS.has(problem.code)) response.status = 200;
      return CONTINUE;
    }
    if (config.suggestions || response.body === undefined) return CONTINUE;
    const stripped = stripSuggestions(response.body);
    if (stripped !== undefined) {
      response.body = stripped;
      ctx.annotate('graphql_hints_removed', true);
    }
    return CONTINUE;
  }

  return {
    needs: { requestBody: true, responseBody: !config.suggestions },
    requestBodyLimit: maxBytes,
    requestState: () => ({ media: undefined }),
    onRequest,
    onResponse,
  };
}
