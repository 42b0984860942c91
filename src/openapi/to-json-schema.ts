// Converts OpenAPI Schema Objects (3.0 dialect or 3.1 = JSON Schema 2020-12) into 2020-12 schemas for
// ajv, one direction at a time: requests refuse `readOnly` members, and strict mode closes objects with
// `unevaluatedProperties: false` so undeclared members (mass assignment) fail even through allOf.
import { deref, isObject, isRef, resolvePointer } from './pointer.ts';

/** Which side of the exchange a schema is checked for (OpenAPI 3.x readOnly/writeOnly semantics). */
export type Direction = 'request' | 'response';

/** How the conversion tightens the contract. */
export interface ConvertOptions {
  readonly direction: Direction;
  /** Close object schemas that do not say `additionalProperties` (undeclared members refused). */
  readonly closeObjects: boolean;
  /** Requests: a present `readOnly` member is a violation (`properties.x: false`). */
  readonly refuseReadOnly: boolean;
  /**
   * Members named like an email address (`email`, `contactEmail`) whose string schema names no format
   * are checked as one (RFC 5321 length too): a malformed value, such as a catastrophic-regex payload
   * aimed at the upstream's own email check, is refused at the gateway.
   */
  readonly inferFormats?: boolean;
}

/** Whether a member name says it holds an email address. */
export function isEmailName(name: string): boolean {
  const letters = name.toLowerCase().replaceAll(/[^a-z]/g, '');
  return letters.endsWith('email') || letters === 'emailaddress' || letters === 'mail';
}

// RFC 5321 §4.5.3.1.3: a path (and so an address in it) is at most 256 octets, 254 without the brackets.
const EMAIL_CHECK = { format: 'email', maxLength: 254 };

// Annotations and OpenAPI-only keywords ajv does not need (x-* extensions are dropped too).
const DROPPED = new Set([
  'discriminator',
  'xml',
  'externalDocs',
  'example',
  'examples',
  'nullable',
  '$schema',
]);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs']);
const OPEN_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
const CLOSED_SINGLE_KEYWORDS = new Set(['items', 'additionalProperties', 'contains', 'propertyNames']);
const OPEN_SINGLE_KEYWORDS = new Set(['not', 'if', 'then', 'else']);
/** Deepest nesting of inline schemas converted (refs are shared, so this bounds only inline depth). */
const MAX_DEPTH = 128;

/**
 * Converts schemas of one document; referenced schemas become shared `$defs` of one root so ajv
 * compiles each once. Call `root()` after converting, and register it with ajv before compiling.
 */
export class SchemaConverter {
  readonly id: string;
  readonly #document: unknown;
  readonly #options: ConvertOptions;
  readonly #defs: Record<string, unknown> = {};
  readonly #ids = new Map<string, string>();

  constructor(document: unknown, options: ConvertOptions, id: string) {
    this.#document = document;
    this.#options = options;
    this.id = id;
  }

  /** The root schema holding every referenced definition converted so far. */
  root(): Record<string, unknown> {
    return { $id: this.id, $defs: this.#defs };
  }

  /** Converts a schema found at an operation (a body, a parameter); `closed` applies strictness. */
  convert(raw: unknown, closed = true, depth = 0): unknown {
    if (typeof raw === 'boolean') return raw;
    if (!isObject(raw)) return {};
    if (depth > MAX_DEPTH) throw new Error(`schema nested deeper than ${MAX_DEPTH}`);
    const schema =
      this.#options.closeObjects && Array.isArray(raw.allOf) ? this.#mergeSharedMembers(raw) : raw;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(schema)) {
      if (DROPPED.has(key) || key.startsWith('x-')) continue;
      if (key === '$ref' && typeof value === 'string') out.$ref = this.#refTo(value, closed);
      else if (key === 'properties' && isObject(value)) out.properties = this.#properties(value, depth);
      else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) out[key] = this.#map(value, depth);
      else if (OPEN_LIST_KEYWORDS.has(key) && Array.isArray(value))
        out[key] = value.map((member) => this.convert(member, false, depth + 1));
      else if (key === 'prefixItems' && Array.isArray(value))
        out[key] = value.map((member) => this.convert(member, true, depth + 1));
      else if (CLOSED_SINGLE_KEYWORDS.has(key) && (isObject(value) || typeof value === 'boolean'))
        out[key] = this.convert(value, true, depth + 1);
      else if (OPEN_SINGLE_KEYWORDS.has(key) && (isObject(value) || typeof value === 'boolean'))
        out[key] = this.convert(value, false, depth + 1);
      else if (key === 'required' && Array.isArray(value)) out.required = this.#required(schema, value);
      else out[key] = value;
    }
    // 3.0 shapes (boolean exclusive bounds, `nullable`) are read in 3.1 documents too: many 3.1
    // descriptions (OpenAI's) still write them, and their meaning is not in doubt.
    this.#from30(schema, out);
    if (this.#options.closeObjects) this.#declareRequired(out);
    this.#discriminate(schema, out, depth);
    if (
      closed &&
      this.#options.closeObjects &&
      schema.additionalProperties === undefined &&
      schema.unevaluatedProperties === undefined &&
      schema.$ref === undefined &&
      this.#isObjectLike(schema, 0)
    ) {
      out.unevaluatedProperties = false;
    }
    // 3.0 `nullable` beside oneOf/anyOf/allOf and no `type` (GitHub's `milestone: {nullable: true,
    // oneOf: [string, integer]}`, "use null to remove"): null is one of the values. 3.0.3 reads nullable
    // only next to `type`, but the APIs that write this accept null, so refusing it breaks real calls.
    if (schema.nullable === true && out.type === undefined && out.enum === undefined)
      return { anyOf: [{ type: 'null' }, out] };
    return out;
  }

  /**
   * allOf parts that declare the same member (a base `metrics: {cpu}` extended by `metrics:
   * {requests_per_second}`, as DigitalOcean's app specs do) would each close that member to their own
   * members and refuse the other's. The member moves up as `allOf` of its declarations, closed once
   * over their union; the parts keep their other members. Same constraints, one closure.
   */
  #mergeSharedMembers(schema: Record<string, unknown>): Record<string, unknown> {
    const parts = (schema.allOf as unknown[]).map((part) => {
      const target = isRef(part) ? this.#safeDeref(part) : part;
      return isObject(target) ? target : undefined;
    });
    const declared = new Map<string, unknown[]>();
    for (const part of parts) {
      if (part === undefined || !isObject(part.properties)) continue;
      for (const [name, member] of Object.entries(part.properties)) {
        const list = declared.get(name) ?? [];
        list.push(member);
        declared.set(name, list);
      }
    }
    const ownProperties = isObject(schema.properties) ? schema.properties : {};
    const shared = [...declared].filter(
      ([name, members]) => members.length + (name in ownProperties ? 1 : 0) > 1,
    );
    if (shared.length === 0) return schema;
    const names = new Set(shared.map(([name]) => name));
    const allOf = (schema.allOf as unknown[]).map((raw, i) => {
      const part = parts[i];
      if (part === undefined || !isObject(part.properties)) return raw;
      if (!Object.keys(part.properties).some((name) => names.has(name))) return raw;
      const rest = Object.fromEntries(Object.entries(part.properties).filter(([name]) => !names.has(name)));
      return { ...part, properties: rest };
    });
    const properties: Record<string, unknown> = { ...ownProperties };
    for (const [name, members] of shared) {
      const all = name in ownProperties ? [ownProperties[name], ...members] : members;
      // Read-only in one declaration is read-only (requests refuse it), as before the move.
      const readOnly = all.some((member) => this.#flag(member, 'readOnly'));
      properties[name] = readOnly ? { allOf: all, readOnly: true } : { allOf: all };
    }
    return { ...schema, allOf, properties };
  }

  /**
   * A member the schema requires is part of the contract even when no `properties` entry describes it
   * (DigitalOcean's uptime check requires an undeclared `method`): closing the object must not refuse
   * what the spec demands, so it is declared with no constraint.
   */
  #declareRequired(out: Record<string, unknown>): void {
    if (!Array.isArray(out.required) || out.required.length === 0) return;
    const properties = isObject(out.properties) ? out.properties : {};
    let added = false;
    for (const name of out.required) {
      if (typeof name !== 'string' || Object.hasOwn(properties, name)) continue;
      properties[name] = true;
      added = true;
    }
    if (added) out.properties = properties;
  }

  /**
   * oneOf/anyOf with a discriminator (OpenAPI 3 §4.8.25): the discriminator's value picks the one
   * schema to check. Without this, a value valid for two overlapping options (a base and an allOf
   * extension of it, as DigitalOcean's droplet actions are) fails oneOf. A value the mapping does not
   * name falls back to anyOf of the options.
   */
  #discriminate(schema: Record<string, unknown>, out: Record<string, unknown>, depth: number): void {
    const discriminator = schema.discriminator;
    if (!isObject(discriminator) || typeof discriminator.propertyName !== 'string') return;
    const keyword = Array.isArray(schema.oneOf) ? 'oneOf' : Array.isArray(schema.anyOf) ? 'anyOf' : undefined;
    if (keyword === undefined) return;
    const options = schema[keyword] as unknown[];
    if (!options.every(isRef)) return;
    const targets = new Map<string, string>();
    for (const option of options as Array<{ $ref: string }>) {
      const name = /^#\/components\/schemas\/([^/]+)$/.exec(option.$ref)?.[1];
      if (name !== undefined) targets.set(decodeURIComponent(name), option.$ref);
    }
    if (isObject(discriminator.mapping)) {
      for (const [value, target] of Object.entries(discriminator.mapping)) {
        if (typeof target !== 'string') continue;
        const ref = target.startsWith('#') ? target : `#/components/schemas/${target}`;
        if (options.some((option) => (option as { $ref: string }).$ref === ref)) targets.set(value, ref);
      }
    }
    if (targets.size === 0) return;
    const property = discriminator.propertyName;
    const converted = options.map((option) => this.convert(option, false, depth + 1));
    delete out[keyword];
    const chosen = [...targets].map(([value, ref]) =>
      conditional(
        { properties: { [property]: { const: value } } },
        this.convert({ $ref: ref }, false, depth + 1),
      ),
    );
    const pick = conditional(
      { properties: { [property]: { enum: [...targets.keys()] } }, required: [property] },
      { allOf: chosen },
      { anyOf: converted },
    );
    out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), pick];
  }

  #refTo(ref: string, closed: boolean): string {
    const key = `${closed ? 'c' : 'o'}${ref}`;
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = `d${this.#ids.size}`;
      this.#ids.set(key, id);
      this.#defs[id] = true; // placeholder: a reference cycle finds the id already taken
      this.#defs[id] = this.convert(resolvePointer(this.#document, ref), closed);
    }
    return `${this.id}#/$defs/${id}`;
  }

  #properties(properties: Record<string, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(properties)) {
      const refused =
        this.#options.direction === 'request' &&
        this.#options.refuseReadOnly &&
        this.#flag(member, 'readOnly');
      const converted = refused ? false : this.convert(member, true, depth + 1);
      out[name] =
        this.#options.inferFormats === true && isEmailName(name) && this.#isPlainString(member)
          ? { allOf: [converted, EMAIL_CHECK] }
          : converted;
    }
    return out;
  }

  /** A string schema without a format of its own (the only kind a name may give a format to). */
  #isPlainString(member: unknown): boolean {
    const schema = deref<unknown>(this.#document, member);
    if (!isObject(schema) || schema.format !== undefined) return false;
    return schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'));
  }

  #map(map: Record<string, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(map)) out[name] = this.convert(member, true, depth + 1);
    return out;
  }

  /** OpenAPI: a required readOnly member applies to responses only, a writeOnly one to requests only. */
  #required(schema: Record<string, unknown>, required: unknown[]): unknown[] {
    const properties = isObject(schema.properties) ? schema.properties : undefined;
    if (properties === undefined) return required;
    const skip = this.#options.direction === 'request' ? 'readOnly' : 'writeOnly';
    return required.filter((name) => typeof name !== 'string' || !this.#flag(properties[name], skip));
  }

  /** Whether a member schema (or the schema its `$ref` points to) carries `readOnly`/`writeOnly`. */
  #flag(member: unknown, flag: 'readOnly' | 'writeOnly'): boolean {
    if (!isObject(member)) return false;
    if (member[flag] === true) return true;
    if (!isRef(member)) return false;
    const target = deref<unknown>(this.#document, member);
    return isObject(target) && target[flag] === true;
  }

  /** 3.0 → 2020-12 (in 3.1 documents too): `nullable` becomes a null type, boolean exclusive bounds numeric ones. */
  #from30(schema: Record<string, unknown>, out: Record<string, unknown>): void {
    if (schema.nullable === true) {
      if (typeof schema.type === 'string') out.type = [schema.type, 'null'];
      if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    }
    for (const [flag, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof schema[flag] !== 'boolean') continue;
      delete out[flag];
      if (schema[flag] === true && typeof schema[bound] === 'number') {
        out[flag] = schema[bound];
        delete out[bound];
      }
    }
  }

  #isObjectLike(schema: unknown, depth: number): boolean {
    if (depth > 16) return false;
    const node = isRef(schema) ? this.#safeDeref(schema) : schema;
    if (!isObject(node)) return false;
    const type = node.type;
    if (type === 'object' || (Array.isArray(type) && type.includes('object'))) return true;
    if (type === undefined && isObject(node.properties)) return true;
    for (const keyword of OPEN_LIST_KEYWORDS) {
      const members = node[keyword];
      if (Array.isArray(members) && members.some((member) => this.#isObjectLike(member, depth + 1)))
        return true;
    }
    return false;
  }

  #safeDeref(ref: { $ref: string }): unknown {
    try {
      return deref(this.#document, ref);
    } catch {
      return undefined;
    }
  }
}

/** A JSON Schema `if`/`then`/`else` (2020-12 §10.2.2), built by name: `then` is a keyword, not a promise. */
function conditional(
  condition: unknown,
  consequence: unknown,
  alternative?: unknown,
): Record<string, unknown> {
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `then` keyword; the object is never awaited.
  const schema: Record<string, unknown> = { if: condition, then: consequence };
  if (alternative !== undefined) schema.else = alternative;
  return schema;
}
