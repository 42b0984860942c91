// What GraphQL clients get back: the media type they asked for (GraphQL over HTTP §Accept), errors in
// the GraphQL response shape (`{"errors":[…]}`) instead of problem+json, and upstream error messages
// without the "Did you mean …?" hints that spell out the schema to whoever guesses field names.

/** The GraphQL response media types a client may ask for. */
export type GraphqlMedia = 'graphql-response' | 'json';

export const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_ACCEPT = 1024;
const HINT = 'Did you mean';

function accepted(range: string): string | undefined {
  const parts = range.split(';');
  for (let i = 1; i < parts.length; i++) {
    const param = parts[i]!.trim().toLowerCase();
    if (param.startsWith('q=') && Number(param.slice(2)) === 0) return undefined;
  }
  return parts[0]!.trim().toLowerCase();
}

/**
 * Which GraphQL media type the Accept header asks for: application/graphql-response+json when listed
 * (the spec's preference), else application/json; undefined when it names neither (problem+json then).
 */
export function graphqlMediaOf(accept: string | string[] | undefined): GraphqlMedia | undefined {
  const value = (Array.isArray(accept) ? accept.join(',') : accept)?.slice(0, MAX_ACCEPT);
  if (value === undefined) return undefined;
  let json = false;
  for (const range of value.split(',')) {
    const type = accepted(range);
    if (type === 'application/graphql-response+json') return 'graphql-response';
    if (type === 'application/json') json = true;
  }
  return json ? 'json' : undefined;
}

/** A problem document's members the GraphQL error carries. */
export interface ProblemSummary {
  readonly code: string;
  readonly title: string;
  readonly requestId: string;
  readonly detail?: string;
}

/** Reads the members of a problem+json body the gateway wrote; undefined when it is not one. */
export function problemSummaryOf(body: Buffer | undefined): ProblemSummary | undefined {
  if (body === undefined || body.length === 0 || body.length > 65_536) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const { code, title, requestId, detail } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof code !== 'string' || typeof title !== 'string' || typeof requestId !== 'string')
    return undefined;
  return typeof detail === 'string' ? { code, title, requestId, detail } : { code, title, requestId };
}

/**
 * The GraphQL response body of a refusal. APQ's "not found" keeps the message and code Apollo clients
 * look for, so they send the document again.
 */
export function graphqlErrorBody(problem: ProblemSummary): Buffer {
  const apq = problem.code === 'RAMPART_GRAPHQL_PERSISTED_QUERY_NOT_FOUND';
  const error = {
    message: apq ? 'PersistedQueryNotFound' : (problem.detail ?? problem.title),
    extensions: {
      code: apq ? 'PERSISTED_QUERY_NOT_FOUND' : problem.code,
      ...(apq ? { rampartCode: problem.code } : {}),
      requestId: problem.requestId,
    },
  };
  return Buffer.from(JSON.stringify({ errors: [error] }));
}

/** `message` without its "Did you mean …?" sentences (one forward scan, linear in the message). */
export function withoutHints(message: string): string {
  const parts: string[] = [];
  let from = 0;
  let at = message.indexOf(HINT);
  while (at !== -1) {
    let start = at;
    while (start > from && message.charCodeAt(start - 1) === 32) start--;
    parts.push(message.slice(from, start));
    const end = message.indexOf('?', at);
    if (end === -1) return parts.join('');
    from = end + 1;
    at = message.indexOf(HINT, from);
  }
  parts.push(message.slice(from));
  return parts.join('');
}

function stripErrors(result: unknown): boolean {
  const errors = (result as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return false;
  let changed = false;
  for (const error of errors) {
    const message = (error as { message?: unknown } | null)?.message;
    if (typeof message !== 'string' || !message.includes(HINT)) continue;
    (error as { message: string }).message = withoutHints(message);
    changed = true;
  }
  return changed;
}

/** The body with suggestion hints removed from its `errors[].message`s; undefined when nothing changed. */
export function stripSuggestions(body: Buffer): Buffer | undefined {
  if (!body.includes(HINT)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const results = Array.isArray(parsed) ? parsed : [parsed];
  let changed = false;
  for (const result of results) if (stripErrors(result)) changed = true;
  return changed ? Buffer.from(JSON.stringify(parsed)) : undefined;
}
