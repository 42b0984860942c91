// Valid request values from a spec's own schemas: the spec's examples where it gives them, otherwise a
// minimal instance (required members, formats, enums, bounds). Written from the OpenAPI/JSON Schema
// texts, independently of src/openapi's converter, so it can catch that converter's mistakes.
import { deref, isObject } from '../../src/openapi/index.ts';
import { samplePattern } from './pattern-sample.ts';

/**
 * Where values come from: the spec's examples first, only what the schema requires, or every declared
 * member and parameter the schema allows (`full`, schema-generated, optional ones that cannot be
 * generated left out), or full with `null` wherever the schema allows it (`nulls`).
 */
export type ValueSource = 'examples' | 'schema' | 'full' | 'nulls';

/** Why a value could not be generated (counted per reason in the report). */
export class NotGenerated extends Error {
  readonly why: string;
  constructor(why: string) {
    super(why);
    this.why = why;
  }
}

const MAX_DEPTH = 24;
/** `full` values include optional members down to this depth only (recursive schemas stay finite). */
const FULL_DEPTH = 5;
const MAX_ITEMS = 8;

// One valid sample per string format (RFC 3339, RFC 5322, RFC 4122, RFC 3986, RFC 791/4291, …).
const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2024-01-02T03:04:05Z',
  date: '2024-01-02',
  time: '03:04:05Z',
  duration: 'P1D',
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  uri: 'https://example.com/a',
  url: 'https://example.com/a',
  'uri-reference': '/a',
  iri: 'https://example.com/a',
  'iri-reference': '/a',
  'uri-template': 'https://example.com/{id}',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  byte: 'YWJj',
  binary: 'abc',
  password: 'a-secret-value',
  regex: '^a$',
  'json-pointer': '/a',
  'relative-json-pointer': '0',
};

/** Generates values for one document. */
export class InstanceGenerator {
  readonly #document: unknown;
  readonly #version: '3.0' | '3.1';
  /** Which oneOf/anyOf option each choice tries first (counting round), so variants cover other branches. */
  variant = 0;
  /** Set when a value came from a schema's own example (reset by the caller per request). */
  usedExample = false;

  constructor(document: unknown, version: '3.0' | '3.1') {
    this.#document = document;
    this.#version = version;
  }

  /** A value valid against `raw` for a request (readOnly members left out); throws NotGenerated. */
  value(raw: unknown, source: ValueSource, depth = 0): unknown {
    if (depth > MAX_DEPTH) throw new NotGenerated('schema nests too deep');
    const schema = this.#resolve(raw);
    if (schema === undefined) return 'a';
    if (source === 'examples') {
      const example = this.exampleOf(schema);
      if (example.found) {
        this.usedExample = true;
        return example.value;
      }
    }
    if (source === 'nulls' && depth > 0 && this.#allowsNull(schema)) return null;
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) {
      const choice = schema.enum.find((v) => v !== null);
      return choice === undefined ? null : choice;
    }
    if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return this.#allOf(schema, source, depth);
    for (const key of ['oneOf', 'anyOf'] as const) {
      const options = schema[key];
      if (Array.isArray(options) && options.length > 0)
        return this.#choice(schema, key, options, source, depth);
    }
    return this.#typed(schema, this.typeOf(schema), source, depth);
  }

  /** The schema's own example: `example` (3.0, and tolerated in 3.1) or the first of `examples` (3.1). */
  exampleOf(schema: Record<string, unknown>): { found: boolean; value?: unknown } {
    if (this.#version === '3.1' && Array.isArray(schema.examples) && schema.examples.length > 0)
      return { found: true, value: schema.examples[0] };
    if ('example' in schema) return { found: true, value: schema.example };
    return { found: false };
  }

  /** Whether the schema says null is a value (3.0 `nullable`, a 3.1 type list with "null", a null enum). */
  #allowsNull(schema: Record<string, unknown>): boolean {
    if (this.#version === '3.0' && schema.nullable === true && !Array.isArray(schema.enum)) return true;
    if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
    if (schema.type === 'null') return true;
    return Array.isArray(schema.enum) && schema.enum.includes(null);
  }

  /** The one type a value should take (`null` excluded; inferred from members when absent). */
  typeOf(schema: Record<string, unknown>): string | undefined {
    const type = schema.type;
    if (typeof type === 'string') return type;
    if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
    if (isObject(schema.properties) || Array.isArray(schema.required)) return 'object';
    if (schema.items !== undefined) return 'array';
    if (typeof schema.format === 'string' || typeof schema.pattern === 'string') return 'string';
    return undefined;
  }

  #resolve(raw: unknown): Record<string, unknown> | undefined {
    if (raw === true || raw === undefined) return undefined;
    if (raw === false) throw new NotGenerated('schema allows nothing');
    const schema = deref<unknown>(this.#document, raw);
    return isObject(schema) ? schema : undefined;
  }

  #typed(
    schema: Record<string, unknown>,
    type: string | undefined,
    source: ValueSource,
    depth: number,
  ): unknown {
    switch (type) {
      case 'object':
        return this.#object([schema], source, depth);
      case 'array':
        return this.#array(schema, source, depth);
      case 'string':
        return this.#string(schema);
      case 'integer':
      case 'number':
        return this.#number(schema, type);
      case 'boolean':
        return true;
      case 'null':
        return null;
      default:
        return 'a';
    }
  }

  /** Every part of allOf applies: merge the objects' members, or take the first typed part's value. */
  #allOf(schema: Record<string, unknown>, source: ValueSource, depth: number): unknown {
    const parts = [schema, ...(schema.allOf as unknown[]).map((part) => this.#resolve(part))].filter(
      (part): part is Record<string, unknown> => part !== undefined,
    );
    const flat: Record<string, unknown>[] = [];
    for (const part of parts) {
      if (part !== schema && Array.isArray(part.allOf)) {
        flat.push(part, ...(part.allOf as unknown[]).map((p) => this.#resolve(p)).filter(isObject));
      } else flat.push(part);
    }
    if (flat.some((part) => this.typeOf(part) === 'object' || isObject(part.properties))) {
      return this.#object(flat, source, depth);
    }
    for (const part of flat) {
      if (part === schema) continue;
      if (
        this.typeOf(part) !== undefined ||
        ['enum', 'const', 'oneOf', 'anyOf', 'allOf'].some((k) => k in part)
      )
        return this.value(part, source, depth + 1);
    }
    return this.#typed(schema, this.typeOf(schema), source, depth);
  }

  /** oneOf/anyOf: the first option that can be generated; a discriminator names the chosen one. */
  #choice(
    schema: Record<string, unknown>,
    key: 'oneOf' | 'anyOf',
    options: unknown[],
    source: ValueSource,
    depth: number,
  ): unknown {
    let last: NotGenerated | undefined;
    const start = this.variant % options.length;
    for (const option of [...options.slice(start), ...options.slice(0, start)]) {
      try {
        const resolved = this.#resolve(option);
        // An option that refines the sibling properties (`anyOf: [{required: [state]}, …]`, or
        // `{properties: {status: {enum: [completed]}}, required: [conclusion]}`, as GitHub's description
        // writes) is generated together with them.
        const refines =
          resolved !== undefined &&
          isObject(schema.properties) &&
          !['allOf', 'oneOf', 'anyOf', '$ref', 'items'].some((key) => key in resolved) &&
          (this.typeOf(resolved) ?? 'object') === 'object';
        // oneOf: a full value must not also satisfy another option, so what only they require stays out.
        const others = new Set<string>();
        if (key === 'oneOf') {
          for (const other of options) {
            const otherSchema = other === option ? undefined : this.#resolve(other);
            if (Array.isArray(otherSchema?.required))
              for (const name of otherSchema.required) others.add(String(name));
          }
          if (Array.isArray(resolved?.required))
            for (const name of resolved.required) others.delete(String(name));
        }
        let value = refines
          ? this.#object([schema, resolved], source, depth, others)
          : this.value(option, source, depth + 1);
        const discriminator = isObject(schema.discriminator) ? schema.discriminator : undefined;
        if (
          discriminator !== undefined &&
          isObject(value) &&
          typeof discriminator.propertyName === 'string'
        ) {
          // The mapping's name for the option; else the value the option's own schema gave (an enum or
          // const), else the schema's name (the implicit mapping).
          const property = discriminator.propertyName;
          const mapped = this.#discriminatorValue(discriminator, option);
          if (mapped !== undefined) value = { ...value, [property]: mapped };
          else if (!(property in value))
            value = { ...value, [property]: this.#implicitValue(option, property) };
        }
        // Sibling members (`type: object` + `properties` beside oneOf) apply too.
        if (!refines && isObject(schema.properties) && isObject(value)) {
          const siblings = this.#object([schema], source, depth);
          if (isObject(siblings)) value = { ...siblings, ...value };
        }
        return value;
      } catch (error) {
        if (!(error instanceof NotGenerated)) throw error;
        last = error;
      }
    }
    throw last ?? new NotGenerated('no option of oneOf/anyOf');
  }

  #discriminatorValue(discriminator: Record<string, unknown>, option: unknown): string | undefined {
    const ref = isObject(option) && typeof option.$ref === 'string' ? option.$ref : undefined;
    if (isObject(discriminator.mapping)) {
      for (const [key, target] of Object.entries(discriminator.mapping)) if (target === ref) return key;
    }
    return undefined;
  }

  /** The option's own value for the property (its enum or const) when it declares one, else its schema name. */
  #implicitValue(option: unknown, property: string): unknown {
    const schema = this.#resolve(option);
    const declared = isObject(schema?.properties) ? schema.properties[property] : undefined;
    if (declared !== undefined) {
      try {
        return this.value(declared, 'schema');
      } catch (error) {
        if (!(error instanceof NotGenerated)) throw error;
      }
    }
    return this.#schemaName(option);
  }

  #schemaName(option: unknown): string {
    const ref = isObject(option) && typeof option.$ref === 'string' ? option.$ref : undefined;
    return ref === undefined ? 'a' : ref.slice(ref.lastIndexOf('/') + 1);
  }

  #object(
    parts: Record<string, unknown>[],
    source: ValueSource,
    depth: number,
    leaveOut: ReadonlySet<string> = new Set(),
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const properties: Record<string, unknown> = {};
    const required = new Set<string>();
    let minProperties = 0;
    for (const part of parts) {
      if (isObject(part.properties)) Object.assign(properties, part.properties);
      if (Array.isArray(part.required)) for (const name of part.required) required.add(String(name));
      if (typeof part.minProperties === 'number') minProperties = Math.max(minProperties, part.minProperties);
    }
    const names = [...required];
    // `not` (often "not both of these members") is not solved for: such objects stay minimal.
    const full =
      (source === 'full' || source === 'nulls') &&
      depth <= FULL_DEPTH &&
      !parts.some((part) => 'not' in part);
    // minProperties asks for more than the required members: add declared optional ones.
    for (const name of Object.keys(properties)) {
      if (!full && names.length >= minProperties) break;
      if (!required.has(name) && !leaveOut.has(name)) names.push(name);
    }
    const closed = parts.some((part) => part.additionalProperties === false);
    for (const name of names) {
      // A required member no part declares, where a part forbids undeclared ones: nothing is valid.
      if (closed && !(name in properties))
        throw new NotGenerated('required member that additionalProperties: false forbids');
      const member = this.#resolve(properties[name]);
      // A readOnly member is the server's to set, even when required (OpenAPI 3.0 §4.7.25.1).
      if (member?.readOnly === true) continue;
      try {
        out[name] = this.value(properties[name], source, depth + 1);
      } catch (error) {
        // An optional member that cannot be generated is left out of a full value.
        if (!(error instanceof NotGenerated) || required.has(name) || !full) throw error;
      }
    }
    if (Object.keys(out).length < minProperties)
      throw new NotGenerated('minProperties beyond declared members');
    return out;
  }

  #array(schema: Record<string, unknown>, source: ValueSource, depth: number): unknown[] {
    const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
    if (min > MAX_ITEMS) throw new NotGenerated('minItems too large');
    const out: unknown[] = [];
    for (let i = 0; i < Math.max(min, 1); i++) out.push(this.value(schema.items, source, depth + 1));
    if (schema.uniqueItems === true && out.length > 1) {
      const distinct = new Set(out.map((v) => JSON.stringify(v)));
      if (distinct.size < out.length) throw new NotGenerated('uniqueItems with minItems > 1');
    }
    return out;
  }

  #string(schema: Record<string, unknown>): string {
    const format = typeof schema.format === 'string' ? schema.format : undefined;
    if (typeof schema.pattern === 'string') return this.#patterned(schema, schema.pattern, format);
    let value = format !== undefined && format in FORMAT_SAMPLES ? FORMAT_SAMPLES[format]! : 'a';
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
    if (value.length < min) {
      if (format !== undefined && format in FORMAT_SAMPLES)
        throw new NotGenerated('minLength beyond format sample');
      value = value.padEnd(min, 'a');
    }
    if (value.length > max) {
      if (format !== undefined && format in FORMAT_SAMPLES)
        throw new NotGenerated('maxLength below format sample');
      value = value.slice(0, max);
    }
    return value;
  }

  /** A sample built from the pattern, kept only when the pattern (unicode, as ajv compiles it) and the bounds accept it. */
  #patterned(schema: Record<string, unknown>, pattern: string, format: string | undefined): string {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, 'u');
    } catch {
      throw new NotGenerated('pattern does not compile');
    }
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
    const candidates = [format === undefined ? undefined : FORMAT_SAMPLES[format], samplePattern(pattern)];
    for (const candidate of candidates) {
      if (
        candidate !== undefined &&
        regex.test(candidate) &&
        candidate.length >= min &&
        candidate.length <= max
      )
        return candidate;
    }
    throw new NotGenerated('pattern without example that a sample satisfies');
  }

  #number(schema: Record<string, unknown>, type: 'integer' | 'number'): number {
    const exclusive = (key: 'Minimum' | 'Maximum'): number | undefined => {
      const value = schema[`exclusive${key}`];
      if (typeof value === 'number') return value; // 3.1: a bound of its own
      // 3.0: a boolean beside minimum/maximum
      const bound = schema[key.toLowerCase()];
      return value === true && typeof bound === 'number' ? bound : undefined;
    };
    const minimum =
      typeof schema.minimum === 'number' && exclusive('Minimum') === undefined ? schema.minimum : undefined;
    const maximum =
      typeof schema.maximum === 'number' && exclusive('Maximum') === undefined ? schema.maximum : undefined;
    const step =
      typeof schema.multipleOf === 'number' && schema.multipleOf > 0
        ? schema.multipleOf
        : type === 'integer'
          ? 1
          : undefined;
    let value = minimum ?? (exclusive('Minimum') === undefined ? 1 : exclusive('Minimum')! + (step ?? 0.5));
    if (maximum !== undefined && value > maximum) value = maximum;
    const exMax = exclusive('Maximum');
    if (exMax !== undefined && value >= exMax) value = exMax - (step ?? 0.5);
    if (step !== undefined) value = Math.ceil(value / step) * step;
    return value;
  }
}
