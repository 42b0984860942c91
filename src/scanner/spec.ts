// Turns an OpenAPI document (loaded by src/openapi) into the scanner's operations, with schemas
// resolved to plain objects so checks and value generation never meet a `$ref`.
import { listOperations } from '../openapi/operations.ts';
import { deref, isObject } from '../openapi/pointer.ts';
import { loadSpecFile, type SpecFile } from '../openapi/spec-file.ts';
import type { ScanOperation, ScanParameter, Schema } from './types.ts';

/** Resolved schemas stop here; deeper (or recursive) parts become `{}`. */
const MAX_SCHEMA_DEPTH = 10;

/** Loads a spec file and lists its operations for scanning. */
export function loadScanSpec(file: string): { spec: SpecFile; operations: ScanOperation[] } {
  const spec = loadSpecFile(file);
  return { spec, operations: scanOperations(spec) };
}

/** Loads several spec files of one API; an operation named twice is taken from the first file. */
export function loadScanSpecs(files: readonly string[]): ScanOperation[] {
  const byKey = new Map<string, ScanOperation>();
  for (const file of files)
    for (const op of loadScanSpec(file).operations) if (!byKey.has(op.key)) byKey.set(op.key, op);
  return [...byKey.values()];
}

/** The scanner's view of every operation of a loaded spec. */
export function scanOperations(spec: SpecFile): ScanOperation[] {
  const document = spec.document;
  return listOperations(spec).map((op) => {
    const parameters: ScanParameter[] = op.parameters.map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required,
      schema: resolveSchema(document, p.schema),
    }));
    const content = isObject(op.requestBody?.content) ? op.requestBody.content : {};
    const jsonType = Object.keys(content).find((type) => /\bjson\b/i.test(type));
    const formType = Object.keys(content).find((type) => /x-www-form-urlencoded/i.test(type));
    const media = content[jsonType ?? formType ?? ''];
    const responses: Record<string, Schema | undefined> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      const types = isObject(response.content) ? response.content : {};
      const type = Object.keys(types).find((t) => /\bjson\b/i.test(t));
      const entry = type === undefined ? undefined : types[type];
      responses[status] =
        isObject(entry) && entry.schema !== undefined ? resolveSchema(document, entry.schema) : undefined;
    }
    const tags = Array.isArray(op.raw.tags)
      ? op.raw.tags.filter((t): t is string => typeof t === 'string')
      : [];
    const text = [op.raw.summary, op.raw.description].filter((t) => typeof t === 'string').join(' ');
    return {
      method: op.method,
      path: op.path,
      key: `${op.method} ${op.path}`,
      operationId: op.operationId,
      tags,
      summary: text,
      parameters,
      body: isObject(media) && media.schema !== undefined ? resolveSchema(document, media.schema) : undefined,
      form: jsonType === undefined && formType !== undefined,
      bodyRequired: op.requestBody?.required === true,
      responses,
      secured: (op.security ?? []).some(
        (requirement) => isObject(requirement) && Object.keys(requirement).length > 0,
      ),
      scopes: (op.security ?? []).flatMap((requirement) =>
        Object.values(requirement).flatMap((s) => (Array.isArray(s) ? s.map(String) : [])),
      ),
    };
  });
}

/** Resolves `$ref`s (local) and merges `allOf` into one schema object, bounded in depth. */
export function resolveSchema(document: unknown, schema: unknown, depth = 0): Schema {
  if (depth > MAX_SCHEMA_DEPTH) return {};
  const node = deref<unknown>(document, schema);
  if (!isObject(node)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref') continue;
    if (key === 'properties' && isObject(value)) {
      const props: Record<string, Schema> = {};
      for (const [name, prop] of Object.entries(value))
        props[name] = resolveSchema(document, prop, depth + 1);
      out.properties = props;
    } else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) {
      out[key] = resolveSchema(document, value, depth + 1);
    } else if ((key === 'oneOf' || key === 'anyOf') && Array.isArray(value)) {
      out[key] = value.map((item) => resolveSchema(document, item, depth + 1));
    } else if (key !== 'allOf') out[key] = value;
  }
  // A `$ref` sibling such as `readOnly: true` (3.1) is kept: the resolved target fills the rest.
  if (isObject(schema) && typeof schema.$ref === 'string') {
    for (const [key, value] of Object.entries(schema)) if (key !== '$ref') out[key] = value;
  }
  if (Array.isArray(node.allOf)) {
    for (const part of node.allOf) {
      const resolved = resolveSchema(document, part, depth + 1);
      for (const [key, value] of Object.entries(resolved)) {
        if (key === 'properties' && isObject(value))
          out.properties = { ...(out.properties as object), ...value };
        else if (key === 'required' && Array.isArray(value)) {
          out.required = [...((out.required as unknown[]) ?? []), ...value];
        } else out[key] ??= value;
      }
    }
  }
  return out;
}

/** The declared properties of an object schema. */
export function propertiesOf(schema: Schema | undefined): Readonly<Record<string, Schema>> {
  return schema !== undefined && isObject(schema.properties)
    ? (schema.properties as Record<string, Schema>)
    : {};
}

/** The schema of a successful JSON answer of an operation (first 2XX with a schema). */
export function successSchema(op: ScanOperation): Schema | undefined {
  for (const [status, schema] of Object.entries(op.responses)) {
    if (/^2/.test(status) && schema !== undefined) return schema;
  }
  return undefined;
}
