// The GraphQL requests an HTTP request carries (GraphQL over HTTP): GET with `query`, `variables`,
// `operationName` and `extensions` in the query string; POST with application/json (one request or a
// batch array) or application/graphql (the document as the body). Sizes are bounded before parsing.
import type { ErrorCode } from '../../errors/codes.ts';
import type { PolicyContext } from '../policy.ts';

/** One GraphQL request's parameters as the client sent them. */
export interface GraphqlParams {
  readonly query: string | undefined;
  readonly operationName: string | undefined;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  readonly extensions: Readonly<Record<string, unknown>> | undefined;
  /** A persisted document's id (`sha256:<hex>` or bare hex), GraphQL-over-HTTP persisted documents. */
  readonly documentId: string | undefined;
}

/** Why a request is not an acceptable GraphQL request. */
export interface ParamsProblem {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly rule: string;
  readonly reason: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Extracted =
  | {
      readonly ok: true;
      readonly requests: readonly GraphqlParams[];
      readonly batch: boolean;
      readonly get: boolean;
    }
  | ParamsProblem;

const MAX_MEDIA_TYPE = 256;

function problem(
  code: ErrorCode,
  rule: string,
  reason: string,
  headers?: Record<string, string>,
): ParamsProblem {
  return headers === undefined
    ? { ok: false, code, rule, reason }
    : { ok: false, code, rule, reason, headers };
}

function mediaType(value: string | string[] | undefined): string {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return '';
  const semicolon = first.indexOf(';');
  return (semicolon === -1 ? first : first.slice(0, semicolon)).trim().toLowerCase().slice(0, MAX_MEDIA_TYPE);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Reads one request object; undefined when a member has the wrong type. */
function paramsOf(raw: Record<string, unknown>): GraphqlParams | string {
  const { query, operationName, variables, extensions, documentId } = raw;
  if (query !== undefined && query !== null && typeof query !== 'string') return '`query` is not a string';
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    return '`operationName` is not a string';
  if (variables !== undefined && variables !== null && !isObject(variables))
    return '`variables` is not an object';
  if (extensions !== undefined && extensions !== null && !isObject(extensions))
    return '`extensions` is not an object';
  if (documentId !== undefined && documentId !== null && typeof documentId !== 'string')
    return '`documentId` is not a string';
  return {
    query: typeof query === 'string' ? query : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
    variables: isObject(variables) ? variables : undefined,
    extensions: isObject(extensions) ? extensions : undefined,
    documentId: typeof documentId === 'string' ? documentId : undefined,
  };
}

/** A JSON-encoded query-string parameter (`variables`, `extensions`): absent, an object, or invalid. */
function jsonParam(query: URLSearchParams, name: string): unknown {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : Symbol.for('invalid');
}

function fromQueryString(query: URLSearchParams, documentText: string | undefined): GraphqlParams | string {
  const variables = jsonParam(query, 'variables');
  const extensions = jsonParam(query, 'extensions');
  if (typeof variables === 'symbol') return '`variables` is not JSON';
  if (typeof extensions === 'symbol') return '`extensions` is not JSON';
  return paramsOf({
    query: documentText ?? query.get('query') ?? undefined,
    operationName: query.get('operationName') ?? undefined,
    variables,
    extensions,
    documentId: query.get('documentId') ?? undefined,
  });
}

/** Extracts the GraphQL requests of `ctx`, or the problem that refuses it. */
export function extractRequests(ctx: PolicyContext, maxBytes: number, allowGet: boolean): Extracted {
  const allow = allowGet ? 'GET, POST' : 'POST';
  if (ctx.method === 'GET' && allowGet) {
    if (ctx.rawQuery.length > maxBytes)
      return problem(
        'RAMPART_GRAPHQL_REQUEST_TOO_LARGE',
        'size',
        `query string ${ctx.rawQuery.length} > ${maxBytes}`,
      );
    const params = fromQueryString(ctx.query, undefined);
    if (typeof params === 'string') return problem('RAMPART_GRAPHQL_REQUEST_INVALID', 'params', params);
    return { ok: true, requests: [params], batch: false, get: true };
  }
  if (ctx.method !== 'POST')
    return problem('RAMPART_GRAPHQL_METHOD_NOT_ALLOWED', 'method', `${ctx.method} is not ${allow}`, {
      allow,
    });

  const declared = ctx.contentLength;
  if (declared !== undefined && declared > maxBytes)
    return problem('RAMPART_GRAPHQL_REQUEST_TOO_LARGE', 'size', `content-length ${declared} > ${maxBytes}`);
  const body = ctx.body;
  if (body === undefined || body.length === 0)
    return problem('RAMPART_GRAPHQL_REQUEST_INVALID', 'params', 'empty body');
  if (body.length > maxBytes)
    return problem('RAMPART_GRAPHQL_REQUEST_TOO_LARGE', 'size', `body ${body.length} > ${maxBytes}`);

  const type = mediaType(ctx.headers['content-type']);
  if (type === 'application/graphql') {
    const params = fromQueryString(ctx.query, body.toString('utf8'));
    if (typeof params === 'string') return problem('RAMPART_GRAPHQL_REQUEST_INVALID', 'params', params);
    return { ok: true, requests: [params], batch: false, get: false };
  }
  if (type !== 'application/json' && type !== 'application/graphql+json')
    return problem(
      'RAMPART_GRAPHQL_UNSUPPORTED_MEDIA_TYPE',
      'media-type',
      `content-type ${type || '(none)'}`,
    );
  const parsed = parseJson(body.toString('utf8'));
  if (!parsed.ok) return problem('RAMPART_GRAPHQL_REQUEST_INVALID', 'json', 'body is not JSON');
  const items = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  if (items.length === 0) return problem('RAMPART_GRAPHQL_REQUEST_INVALID', 'params', 'empty batch');
  const requests: GraphqlParams[] = [];
  for (const item of items) {
    if (!isObject(item))
      return problem('RAMPART_GRAPHQL_REQUEST_INVALID', 'params', 'a request is not an object');
    const params = paramsOf(item);
    if (typeof params === 'string') return problem('RAMPART_GRAPHQL_REQUEST_INVALID', 'params', params);
    requests.push(params);
  }
  return { ok: true, requests, batch: Array.isArray(parsed.value), get: false };
}
