// Valid example values generated from JSON schemas: examples and defaults first, then the
// constraints (enum, format, length, range), unique where a server may refuse duplicates.
import { randomBytes } from 'node:crypto';
import { propertiesOf } from './spec.ts';
import type { Schema } from './types.ts';

const MAX_DEPTH = 8;
let counter = 0;

/** A short random tag, so created objects (e-mails, names) do not collide across runs. */
export function uniqueTag(): string {
  counter += 1;
  return `${randomBytes(3).toString('hex')}${counter}`;
}

/** A valid value for `schema`; request bodies leave out `readOnly` members. */
export function exampleOf(schema: Schema | undefined, name = '', depth = 0): unknown {
  if (schema === undefined || depth > MAX_DEPTH) return 'rampart';
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const variants = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (Array.isArray(variants) && variants.length > 0) return exampleOf(variants[0], name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
      const max = typeof schema.maximum === 'number' ? schema.maximum : min + 10;
      const value = Math.min(Math.max(min, 1), max);
      return type === 'integer' ? Math.ceil(value) : value;
    }
    case 'boolean':
      return true;
    case 'array': {
      const count =
        typeof schema.minItems === 'number' && schema.minItems > 0 ? Math.min(schema.minItems, 3) : 1;
      return Array.from({ length: count }, () =>
        exampleOf(schema.items as Schema | undefined, name, depth + 1),
      );
    }
    case 'object':
      return objectExample(schema, depth);
    default:
      if (schema.properties !== undefined) return objectExample(schema, depth);
      return stringExample(schema, name);
  }
}

function objectExample(schema: Schema, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  for (const [name, prop] of Object.entries(propertiesOf(schema))) {
    if (prop.readOnly === true) continue;
    if (required.has(name) || prop.example !== undefined) out[name] = exampleOf(prop, name, depth + 1);
  }
  if (Object.keys(out).length === 0 && typeof schema.minProperties === 'number') {
    const first = Object.entries(propertiesOf(schema)).find(([, prop]) => prop.readOnly !== true);
    if (first !== undefined) out[first[0]] = exampleOf(first[1], first[0], depth + 1);
  }
  return out;
}

function stringExample(schema: Schema, name: string): string {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : 64;
  let value: string;
  switch (schema.format) {
    case 'email':
      value = `rampart-${uniqueTag()}@example.com`;
      break;
    case 'date-time':
      value = new Date().toISOString();
      break;
    case 'date':
      value = new Date().toISOString().slice(0, 10);
      break;
    case 'uuid':
      value = '00000000-0000-4000-8000-000000000000';
      break;
    case 'uri':
    case 'url':
      value = 'https://example.com/';
      break;
    case 'password':
      value = `Rampart-${uniqueTag()}-Pw`;
      break;
    default:
      value = /name|title|sku|label/i.test(name) ? `rampart-${uniqueTag()}` : 'rampart';
  }
  if (value.length < min) value = value.padEnd(min, 'x');
  return value.length > max ? value.slice(0, Math.max(max, min)) : value;
}
