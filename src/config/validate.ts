// Validates a parsed config against the schema (ajv, defaults applied in place) and turns ajv's errors
// into one concise message per problem, at the right path.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import type { PolicyDefinition } from '../policies/policy.ts';
import type { ConfigErrorCode, PathSegment } from './errors.ts';
import { type ConfigSchema, configSchema } from './schema.ts';
import { closestMatch } from './suggest.ts';

/** One schema problem before it is given a file position. */
export interface SchemaIssue {
  readonly code: ConfigErrorCode;
  readonly path: PathSegment[];
  /** Whether the position is the key (unknown keys) rather than the value. */
  readonly atKey: boolean;
  readonly message: string;
}

/** More ajv errors than this are not examined: the file is refused either way. */
const MAX_AJV_ERRORS = 1000;

/** The config schema for a set of policies and its compiled validator. */
export interface CompiledSchema {
  readonly schema: ConfigSchema;
  readonly validate: ValidateFunction;
}

const compiled = new WeakMap<readonly PolicyDefinition[], CompiledSchema>();

/** The schema and validator for a set of policies; compiled once per definitions array. */
export function compileConfigSchema(definitions: readonly PolicyDefinition[]): CompiledSchema {
  let entry = compiled.get(definitions);
  if (entry === undefined) {
    // strict: TypeBox emits standard JSON Schema, so any unknown keyword is a bug in a policy schema.
    // verbose: errors carry the failing data and schema, used to collapse unions into one message.
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, verbose: true });
    // ajv-formats is CommonJS; its `default` member is the plugin under both module systems.
    formats.default(ajv);
    const schema = configSchema(definitions);
    entry = { schema, validate: ajv.compile(schema) };
    compiled.set(definitions, entry);
  }
  return entry;
}

/** Validates `value` in place (defaults are inserted) and returns its problems, empty when valid. */
export function validateConfig(value: unknown, definitions: readonly PolicyDefinition[]): SchemaIssue[] {
  const { validate } = compileConfigSchema(definitions);
  if (validate(value)) return [];
  const errors = (validate.errors ?? []).slice(0, MAX_AJV_ERRORS);
  return translate(errors, value);
}

function translate(errors: readonly ErrorObject[], root: unknown): SchemaIssue[] {
  const unions = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf');
  const issues: SchemaIssue[] = [];
  for (const error of errors) {
    if (unions.some((union) => isBranchError(union, error))) continue;
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      issues.push(...translateUnion(error, errors, root));
    } else {
      issues.push(translateOne(error, root));
    }
  }
  return issues;
}

function isBranchError(union: ErrorObject, error: ErrorObject): boolean {
  return (
    error !== union &&
    error.schemaPath.startsWith(`${union.schemaPath}/`) &&
    (error.instancePath === union.instancePath || error.instancePath.startsWith(`${union.instancePath}/`))
  );
}

/** A union error becomes one message: the allowed values, the schema's description, or the one branch of the right type. */
function translateUnion(union: ErrorObject, errors: readonly ErrorObject[], root: unknown): SchemaIssue[] {
  const path = toSegments(union.instancePath, root);
  const schema = union.parentSchema as { description?: string; anyOf?: unknown[]; oneOf?: unknown[] };
  const branches = (schema.anyOf ?? schema.oneOf ?? []) as Array<{ const?: unknown; type?: string }>;
  if (branches.length > 0 && branches.every((branch) => 'const' in branch)) {
    const allowed = branches.map((branch) => JSON.stringify(branch.const)).join(', ');
    return [{ code: 'schema-value', path, atKey: false, message: `must be one of ${allowed}` }];
  }
  const actual = jsonType(union.data);
  const fitting = branches.filter((branch) => branch.type === undefined || typeMatches(branch.type, actual));
  const code: ConfigErrorCode = fitting.length === 0 ? 'schema-type' : 'schema-value';
  if (schema.description !== undefined) {
    const got = code === 'schema-type' ? `, got ${describe(union.data)}` : '';
    return [{ code, path, atKey: false, message: `expected ${schema.description}${got}` }];
  }
  if (fitting.length === 1) {
    const index = branches.indexOf(fitting[0]!);
    const prefix = `${union.schemaPath}/${index}/`;
    const inner = errors.filter(
      (error) => isBranchError(union, error) && error.schemaPath.startsWith(prefix),
    );
    if (inner.length > 0) return translate(inner, root);
  }
  const types = [...new Set(branches.map((branch) => typeName(branch.type ?? 'value')))].join(' or ');
  return [{ code, path, atKey: false, message: `expected ${types}, got ${describe(union.data)}` }];
}

function translateOne(error: ErrorObject, root: unknown): SchemaIssue {
  const path = toSegments(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  const schema = error.parentSchema as {
    description?: string;
    properties?: Record<string, unknown>;
    patternProperties?: Record<string, unknown>;
  };
  switch (error.keyword) {
    case 'required':
      return {
        code: 'schema-required',
        path,
        atKey: false,
        message: `missing required key "${params.missingProperty}"`,
      };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const patterns = Object.keys(schema.patternProperties ?? {});
      if (schema.properties === undefined && patterns.length > 0) {
        const message = `name must match ${patterns.join(' or ')}`;
        return { code: 'schema-value', path: [...path, key], atKey: true, message };
      }
      const what = path.at(-1) === 'policies' ? 'unknown policy' : 'unknown key';
      const guess = closestMatch(key, Object.keys(schema.properties ?? {}));
      const hint = guess === undefined ? '' : `; did you mean "${guess}"?`;
      return { code: 'schema-unknown-key', path: [...path, key], atKey: true, message: `${what}${hint}` };
    }
    case 'type':
      return {
        code: 'schema-type',
        path,
        atKey: false,
        message: `expected ${typeName(params.type)}, got ${describe(error.data)}`,
      };
    case 'const':
      return {
        code: 'schema-value',
        path,
        atKey: false,
        message: `must be ${JSON.stringify(params.allowedValue)}`,
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ');
      return { code: 'schema-value', path, atKey: false, message: `must be one of ${allowed}` };
    }
    case 'pattern': {
      const about = schema.description === undefined ? '' : ` (${schema.description})`;
      return { code: 'schema-value', path, atKey: false, message: `must match ${params.pattern}${about}` };
    }
    default:
      return { code: 'schema-value', path, atKey: false, message: error.message ?? 'is not valid' };
  }
}

/** Decodes an ajv instancePath (JSON Pointer, RFC 6901) into keys and indexes by walking the data. */
function toSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      segments.push(index);
      node = node[index];
    } else {
      segments.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

/** A schema type in words (`a mapping`, `a list`). */
function typeName(type: unknown): string {
  if (Array.isArray(type)) return type.map(typeName).join(' or ');
  return TYPE_NAMES[String(type)] ?? String(type);
}

/** The kind of a value, never the value itself: a misplaced secret must not end up in a message. */
function describe(value: unknown): string {
  const type = jsonType(value);
  return type === 'integer' ? 'a number' : typeName(type);
}
