// A spec compiled for enforcement: operations indexed, and per operation one ajv validator for its
// parameters and one per request media type, built from 2020-12 conversions that share `$defs`.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { type BodyFormat, essenceOf, formatOf } from './media-type.ts';
import { indexOperations, type Operation, type OperationIndex, routePathOf } from './operations.ts';
import { deref, isObject } from './pointer.ts';
import type { SpecFile } from './spec-file.ts';
import { SchemaConverter } from './to-json-schema.ts';
import { locationOf, type Violation } from './violations.ts';

/** How strictly the contract is read. */
export interface ContractOptions {
  /** Close objects without `additionalProperties` (undeclared body members refused). */
  readonly closeObjects: boolean;
  /** Refuse `readOnly` members in requests. */
  readonly refuseReadOnly: boolean;
  /** Check members named like email addresses as email addresses (to-json-schema.ts). */
  readonly inferFormats?: boolean;
  /** A prefix of request paths the spec's paths are relative to (`/api/v1`). */
  readonly basePath?: string;
  /** Compile every operation now (default) or on its first request. */
  readonly eager?: boolean;
  /** The spec's operation index when one is built already (shared per config version); `basePath` is then its. */
  readonly index?: OperationIndex;
}

/** A request media type the operation accepts. */
export interface MediaEntry {
  readonly essence: string;
  readonly format: BodyFormat;
  /** The raw spec schema (for form coercion and field rules). */
  readonly schema: unknown;
  readonly validate: ValidateFunction | undefined;
}

/** One operation's compiled checks. */
export interface CompiledOperation {
  readonly operation: Operation;
  readonly params: ValidateFunction;
  readonly bodyRequired: boolean;
  /** Accepted media types by essence; empty when the operation declares no body. */
  readonly media: ReadonlyMap<string, MediaEntry>;
  /**
   * Query members accepted beside the parameters: a credential of the operation's security (`apiKey`
   * `in: query`), or a member a path template of this route fixes (`/responses?beta=true`).
   */
  readonly impliedQuery: ReadonlySet<string>;
}

/** A check that could not be compiled and is not validated. */
export interface UncompilableSchema {
  /** JSON pointer of the operation in the spec (`#/paths/~1users/post`). */
  readonly pointer: string;
  readonly operation: string;
  /** `parameter` or `<media type> body`. */
  readonly what: string;
  readonly reason: string;
}

/** A spec compiled once per config version. */
export interface Contract {
  readonly spec: SpecFile;
  readonly index: OperationIndex;
  /**
   * Checks that could not be compiled and were relaxed (that part of the operation is not validated),
   * as `METHOD /path: reason`; the spec's dropped keywords are in `spec.relaxed`.
   */
  readonly warnings: readonly string[];
  /** The same checks, located: the operation's pointer, which schema, and ajv's reason. */
  readonly uncompilable: readonly UncompilableSchema[];
  /** The compiled checks of an operation (compiled on first use when not eager). */
  compiled(operation: Operation): CompiledOperation;
}

// Headers the HTTP layer owns; OpenAPI says parameter definitions for them are ignored (§4.8.12.1).
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: true });
  // ajv-formats is CommonJS; its `default` member is the plugin under both module systems.
  formats.default(ajv);
  // OpenAPI's own format names (§4.4): checked where they constrain, accepted where they only annotate.
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const name of ['float', 'double']) ajv.addFormat(name, { type: 'number', validate: () => true });
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  for (const name of ['binary', 'password']) ajv.addFormat(name, true);
  return ajv;
}

interface Prepared {
  readonly operation: Operation;
  readonly paramSchema: Record<string, unknown>;
  readonly media: Array<{ essence: string; format: BodyFormat; schema: unknown; converted: unknown }>;
}

let contractCount = 0;

/** Compiles a spec into a contract; a schema that cannot be compiled is relaxed and reported in `warnings`. */
export function compileContract(spec: SpecFile, options: ContractOptions): Contract {
  const index =
    options.index ??
    indexOperations(spec, options.basePath === undefined ? {} : { basePath: options.basePath });
  const ajv = createAjv();
  const converter = new SchemaConverter(
    spec.document,
    {
      direction: 'request',
      closeObjects: options.closeObjects,
      refuseReadOnly: options.refuseReadOnly,
      inferFormats: options.inferFormats === true,
    },
    `https://rampart.invalid/contract/${++contractCount}/request.json`,
  );
  const built = new Map<Operation, CompiledOperation>();

  /** Converts an operation's schemas (adding shared `$defs` to the converter's root). */
  function prepare(operation: Operation): Prepared {
    const locations: Record<string, { properties: Record<string, unknown>; required: string[] }> = {};
    for (const where of ['path', 'query', 'header', 'cookie'])
      locations[where] = { properties: {}, required: [] };
    for (const p of operation.parameters) {
      if (p.in === 'header' && IGNORED_HEADERS.has(p.name)) continue;
      const slot = locations[p.in]!;
      slot.properties[p.name] = p.schema === undefined ? {} : converter.convert(p.schema);
      if (p.required) slot.required.push(p.name);
    }
    const properties: Record<string, unknown> = {};
    for (const [where, slot] of Object.entries(locations)) {
      properties[where] = { type: 'object', properties: slot.properties, required: slot.required };
    }
    const media: Prepared['media'] = [];
    const body = operation.requestBody;
    if (body !== undefined && isObject(body.content)) {
      for (const [type, entry] of Object.entries(body.content)) {
        const essence = essenceOf(type) ?? type;
        const schema = isObject(entry) ? entry.schema : undefined;
        const converted = schema === undefined ? undefined : converter.convert(schema);
        media.push({ essence, format: formatOf(essence), schema, converted });
      }
    }
    return { operation, paramSchema: { type: 'object', properties }, media };
  }

  /** Registers (again) the shared root: conversions may have added `$defs` since the last time. */
  function registerRoot(): void {
    ajv.removeSchema(converter.id);
    // Not meta-validated as a whole: one invalid definition would refuse every operation (the whole
    // config); it fails the compile of the operations that use it instead, which compileOr relaxes.
    ajv.addSchema(converter.root(), undefined, undefined, false);
  }

  const warnings: string[] = [];
  const uncompilable: UncompilableSchema[] = [];

  /** Compiles one schema; one that cannot compile is relaxed to `fallback` and reported. */
  function compileOr(schema: object, fallback: object, operation: Operation, what: string): ValidateFunction {
    try {
      return ajv.compile(schema);
    } catch (error) {
      const reason = (error as Error).message;
      warnings.push(
        `${operation.method} ${operation.path}: ${what} schema does not compile, not validated: ${reason}`,
      );
      uncompilable.push({
        pointer: operation.pointer,
        operation: `${operation.method} ${operation.path}`,
        what,
        reason,
      });
      return ajv.compile(fallback);
    }
  }

  function finish(prepared: Prepared): CompiledOperation {
    const { operation } = prepared;
    const media = new Map<string, MediaEntry>();
    for (const entry of prepared.media) {
      media.set(entry.essence, {
        essence: entry.essence,
        format: entry.format,
        schema: entry.schema,
        validate:
          entry.converted === undefined
            ? undefined
            : compileOr(entry.converted as object, {}, operation, `${entry.essence} body`),
      });
    }
    const compiled: CompiledOperation = {
      operation,
      params: compileOr(prepared.paramSchema, { type: 'object' }, operation, 'parameter'),
      bodyRequired: operation.requestBody?.required === true,
      media,
      impliedQuery: new Set([...credentialQueryOf(spec.document, operation), ...fixedQueryOf(operation)]),
    };
    built.set(operation, compiled);
    return compiled;
  }

  // The members the templates of a route and method fix (`?beta=true` variants share the plain route).
  const fixedByRoute = new Map<string, string[]>();
  for (const other of index.operations) {
    if (other.fixedQuery.length === 0) continue;
    const key = `${other.method} ${routePathOf(other.path)}`;
    fixedByRoute.set(key, [...(fixedByRoute.get(key) ?? []), ...other.fixedQuery]);
  }
  const fixedQueryOf = (operation: Operation): string[] =>
    fixedByRoute.get(`${operation.method} ${routePathOf(operation.path)}`) ?? [];

  if (options.eager !== false) {
    const prepared = index.operations.map(prepare);
    registerRoot();
    for (const entry of prepared) finish(entry);
  }

  return {
    spec,
    index,
    warnings,
    uncompilable,
    compiled(operation: Operation): CompiledOperation {
      const hit = built.get(operation);
      if (hit !== undefined) return hit;
      const prepared = prepare(operation);
      registerRoot();
      return finish(prepared);
    },
  };
}

/** The query parameter an `apiKey` scheme `in: query` names (`schemes[name]`, refs followed), if any. */
export function queryKeyNameOf(document: unknown, scheme: unknown): string | undefined {
  let resolved: unknown;
  try {
    resolved = deref(document, scheme);
  } catch {
    return undefined;
  }
  if (
    isObject(resolved) &&
    resolved.type === 'apiKey' &&
    resolved.in === 'query' &&
    typeof resolved.name === 'string'
  )
    return resolved.name;
  return undefined;
}

/** The query names of the `apiKey` schemes the operation's security requirements name. */
function credentialQueryOf(document: Record<string, unknown>, operation: Operation): Set<string> {
  const names = new Set<string>();
  const components = isObject(document.components) ? document.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  for (const requirement of operation.security ?? []) {
    if (!isObject(requirement)) continue;
    for (const name of Object.keys(requirement)) {
      const key = Object.hasOwn(schemes, name) ? queryKeyNameOf(document, schemes[name]) : undefined;
      if (key !== undefined) names.add(key);
    }
  }
  return names;
}

/** Turns ajv errors into violations, instance paths under `prefix` (`/body`), at most `max`. */
export function violationsOf(
  errors: readonly ErrorObject[] | null | undefined,
  max: number,
  prefix = '',
): Violation[] {
  const out: Violation[] = [];
  for (const error of errors ?? []) {
    if (out.length >= max) break;
    const params = error.params as Record<string, unknown>;
    let extra: string | undefined;
    let message = error.message ?? 'is not valid';
    if (error.keyword === 'required') {
      extra = String(params.missingProperty);
      message = 'is required';
    } else if (error.keyword === 'unevaluatedProperties' || error.keyword === 'additionalProperties') {
      extra = String(params.unevaluatedProperty ?? params.additionalProperty);
      message = 'is not a declared member';
    } else if (error.keyword === 'false schema') {
      message = 'may not be sent (read-only or not allowed)';
    } else if (error.keyword === 'if' || error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      if (out.some((v) => v.location === locationOf(prefix + error.instancePath))) continue;
    }
    const location = locationOf(prefix + error.instancePath, extra);
    if (!out.some((v) => v.location === location && v.message === message)) out.push({ location, message });
  }
  return out;
}
