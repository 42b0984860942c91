// Indexes a document's operations (path-level parameters merged, `$ref`s of parameters, bodies and
// responses followed) and matches requests to them with find-my-way, the gateway's own router.
import createRouter from 'find-my-way';
import { deref, escapeToken, isObject } from './pointer.ts';
import type { SpecFile } from './spec-file.ts';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Where a parameter lives. */
export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

/** A parameter with its serialization rules resolved (OpenAPI 3 §4.8.12 defaults applied). */
export interface Parameter {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  readonly style: string;
  readonly explode: boolean;
  /** The raw schema (may be a `$ref`); `undefined` when the parameter uses `content`. */
  readonly schema: unknown;
  /** A parameter described by `content` (one media type, e.g. JSON in a query string). */
  readonly contentType: string | undefined;
  readonly deprecated: boolean;
}

/** One operation of the document. */
export interface Operation {
  readonly method: string;
  /** The path template as written in the spec (`/users/{id}`). */
  readonly path: string;
  readonly operationId: string | undefined;
  /** JSON pointer of the operation object, for reports. */
  readonly pointer: string;
  readonly parameters: readonly Parameter[];
  /** The request body object, `$ref` followed. */
  readonly requestBody: Record<string, unknown> | undefined;
  /** Responses by status key (`200`, `4XX`, `default`), `$ref`s followed. */
  readonly responses: Readonly<Record<string, Record<string, unknown>>>;
  /** The operation's own `security`, or the document's. */
  readonly security: readonly Record<string, unknown>[] | undefined;
  readonly deprecated: boolean;
  /**
   * Query members the path template itself fixes (`/responses?beta=true`, as OpenAI's description
   * writes paths): routed without them, accepted as declared.
   */
  readonly fixedQuery: readonly string[];
  readonly raw: Record<string, unknown>;
}

/** The result of matching a request. */
export type OperationMatch =
  | { readonly kind: 'found'; readonly operation: Operation; readonly params: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

/** The operations of one document and a matcher over them. */
export interface OperationIndex {
  readonly operations: readonly Operation[];
  match(method: string, path: string): OperationMatch;
  /**
   * The operation a request's query selects among templates that differ only in a fixed query part
   * (`/responses` and `/responses?beta=true`): the variant whose fixed members the query carries.
   */
  variantFor?(operation: Operation, query: URLSearchParams): Operation;
}

const DEFAULT_STYLE: Record<ParameterLocation, string> = {
  path: 'simple',
  query: 'form',
  header: 'simple',
  cookie: 'form',
};

function parameterOf(document: unknown, raw: unknown): Parameter | undefined {
  const value = deref<unknown>(document, raw);
  if (!isObject(value) || typeof value.name !== 'string') return undefined;
  const location = value.in;
  if (location !== 'path' && location !== 'query' && location !== 'header' && location !== 'cookie') {
    return undefined;
  }
  const style = typeof value.style === 'string' ? value.style : DEFAULT_STYLE[location];
  const content = isObject(value.content) ? Object.keys(value.content)[0] : undefined;
  return {
    // Header names are case-insensitive (RFC 9110 §5.1); Node gives them lower-cased.
    name: location === 'header' ? value.name.toLowerCase() : value.name,
    in: location,
    required: value.required === true || location === 'path',
    style,
    explode: typeof value.explode === 'boolean' ? value.explode : style === 'form',
    schema: value.schema,
    contentType: content,
    deprecated: value.deprecated === true,
  };
}

function mergeParameters(document: unknown, pathLevel: unknown, operationLevel: unknown): Parameter[] {
  const merged = new Map<string, Parameter>();
  // Operation-level parameters override path-level ones with the same name and location.
  for (const list of [pathLevel, operationLevel]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const parameter = parameterOf(document, raw);
      if (parameter !== undefined) merged.set(`${parameter.in}:${parameter.name}`, parameter);
    }
  }
  return [...merged.values()];
}

function responsesOf(document: unknown, raw: unknown): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  if (!isObject(raw)) return out;
  for (const [status, response] of Object.entries(raw)) {
    const value = deref<unknown>(document, response);
    if (isObject(value)) out[status.toUpperCase()] = value;
  }
  return out;
}

/** The names a template's query part fixes: `/responses?beta=true` → `['beta']`. */
function fixedQueryOf(template: string): string[] {
  const q = template.indexOf('?');
  return q === -1 ? [] : [...new URLSearchParams(template.slice(q + 1)).keys()];
}

/** The template without its query part. */
export function routePathOf(template: string): string {
  const q = template.indexOf('?');
  return q === -1 ? template : template.slice(0, q);
}

/** Collects every operation of the document. */
export function listOperations(spec: SpecFile): Operation[] {
  const document = spec.document;
  const paths = isObject(document.paths) ? document.paths : {};
  const rootSecurity = Array.isArray(document.security) ? document.security : undefined;
  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref<unknown>(document, rawItem);
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      // An operation written as a `$ref` to another file (`get: {$ref: droplets_get.yml}`, as
      // DigitalOcean's description does) is followed: otherwise it would be indexed empty.
      const raw = item[method] === undefined ? undefined : deref<unknown>(document, item[method]);
      if (!isObject(raw)) continue;
      const body = raw.requestBody === undefined ? undefined : deref<unknown>(document, raw.requestBody);
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: typeof raw.operationId === 'string' ? raw.operationId : undefined,
        pointer: `#/paths/${escapeToken(path)}/${method}`,
        parameters: mergeParameters(document, item.parameters, raw.parameters),
        requestBody: isObject(body) ? body : undefined,
        responses: responsesOf(document, raw.responses),
        security: Array.isArray(raw.security) ? raw.security : rootSecurity,
        deprecated: raw.deprecated === true,
        fixedQuery: fixedQueryOf(path),
        raw,
      });
    }
  }
  return operations;
}

/** `/users/{id}` → `/users/:id`; literal `:` and `*` are escaped for find-my-way. */
export function routerPattern(template: string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const char = template[i]!;
    if (char === '{') {
      const end = template.indexOf('}', i);
      if (end === -1) throw new Error(`unbalanced "{" in path template "${template}"`);
      out += `:${template.slice(i + 1, end).replace(/[^A-Za-z0-9_$]/g, '_')}`;
      i = end;
    } else if (char === ':') out += '::';
    else if (char === '*') out += '%2A';
    else out += char;
  }
  return out;
}

/**
 * The router shape of a template: its parameters named by position (`/users/:p0`), so templates that
 * differ only in parameter names (`/keys/{key_id}` for DELETE, `/keys/{digest}` for GET, as GitHub's
 * description has) share one route, and each operation keeps its own names.
 */
function shapeOf(template: string): { pattern: string; names: Map<string, string> } {
  const names = new Map<string, string>();
  let position = 0;
  const positional = template.replace(/\{([^{}]{1,200})\}/g, (_, name: string) => {
    const key = `p${position++}`;
    names.set(key, name);
    return `{${key}}`;
  });
  return { pattern: routerPattern(positional), names };
}

interface RouteEntry {
  /** Per method: the operation and its router-name → spec-name map. */
  readonly methods: Map<string, { operation: Operation; names: Map<string, string> }>;
}

/**
 * Builds the matcher. `basePath` (e.g. `/api/v1`) is stripped from request paths first. Templates
 * find-my-way cannot register are skipped and returned in `skipped`.
 */
export function indexOperations(
  spec: SpecFile,
  options: { basePath?: string; caseSensitive?: boolean } = {},
): OperationIndex & { readonly skipped: readonly string[] } {
  const operations = listOperations(spec);
  const router = createRouter({
    caseSensitive: options.caseSensitive ?? true,
    ignoreTrailingSlash: false,
    maxParamLength: 1000,
  });
  const byShape = new Map<string, RouteEntry>();
  /** Templates with a fixed query part, by method and route shape. */
  const queryVariants = new Map<string, Operation[]>();
  for (const operation of operations) {
    const { pattern, names } = shapeOf(routePathOf(operation.path));
    let entry = byShape.get(pattern);
    if (entry === undefined) {
      entry = { methods: new Map() };
      byShape.set(pattern, entry);
    }
    // Two templates of one shape with the same method cannot both be told apart: the first is kept.
    if (operation.fixedQuery.length > 0) {
      const key = `${operation.method} ${pattern}`;
      queryVariants.set(key, [...(queryVariants.get(key) ?? []), operation]);
    }
    // A template with a query part (`/responses?beta=true`) yields to the plain one of its shape.
    const held = entry.methods.get(operation.method);
    if (held === undefined || (held.operation.fixedQuery.length > 0 && operation.fixedQuery.length === 0))
      entry.methods.set(operation.method, { operation, names });
  }
  const skipped: string[] = [];
  for (const [pattern, entry] of byShape) {
    try {
      router.on('GET', pattern, () => undefined, entry);
    } catch {
      for (const { operation } of entry.methods.values())
        if (!skipped.includes(operation.path)) skipped.push(operation.path);
    }
  }
  const basePath = options.basePath === undefined || options.basePath === '/' ? '' : options.basePath;
  return {
    operations,
    skipped,
    variantFor(operation: Operation, query: URLSearchParams): Operation {
      if (queryVariants.size === 0) return operation;
      const variants = queryVariants.get(
        `${operation.method} ${shapeOf(routePathOf(operation.path)).pattern}`,
      );
      const chosen = variants?.find((variant) => {
        const fixed = new URLSearchParams(variant.path.slice(variant.path.indexOf('?') + 1));
        return [...fixed].every(([name, value]) => query.getAll(name).includes(value));
      });
      return chosen ?? operation;
    },
    match(method: string, path: string): OperationMatch {
      if (basePath !== '') {
        if (path !== basePath && !path.startsWith(`${basePath}/`)) return { kind: 'not-found' };
        path = path.slice(basePath.length) || '/';
      }
      const found = router.find('GET', path);
      if (found === null) return { kind: 'not-found' };
      const entry = found.store as RouteEntry;
      const hit = entry.methods.get(method) ?? (method === 'HEAD' ? entry.methods.get('GET') : undefined);
      if (hit === undefined) return { kind: 'method-not-allowed', allow: [...entry.methods.keys()] };
      const { operation, names } = hit;
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(found.params)) {
        if (value !== undefined) params[names.get(key) ?? key] = value;
      }
      return { kind: 'found', operation, params };
    },
  };
}
