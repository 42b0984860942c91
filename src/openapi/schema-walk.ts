// Walks a JSON value alongside its OpenAPI schema (`$ref`, allOf/anyOf/oneOf merged) to find members
// the contract does not declare, `writeOnly` members, and members guarded by role extensions
// (`x-rampart-read`, `x-rampart-write`). Linear in the value; schema views are memoized.
import { deref, isObject, isRef } from './pointer.ts';
import { memberSegment } from './violations.ts';

/** Why a member is reported. */
export type MemberFinding = 'undeclared' | 'write-only' | 'role';

/** What the walk looks for. */
export interface WalkOptions {
  /** Report members no schema declares (objects without `additionalProperties` count as closed). */
  readonly undeclared: boolean;
  /** Report `writeOnly` members (responses). */
  readonly writeOnly: boolean;
  /** Which role extension to honour, and the caller's roles. */
  readonly roles?: {
    readonly extension: 'x-rampart-read' | 'x-rampart-write';
    readonly held: ReadonlySet<string>;
  };
  /** Remove reported members from the value in place. */
  readonly remove: boolean;
  /** Stop after this many findings. */
  readonly maxFindings: number;
}

/** A reported member with its location (`body.items[0].passwordHash`). */
export interface Finding {
  readonly location: string;
  readonly kind: MemberFinding;
}

interface View {
  readonly properties: Map<string, unknown[]>;
  /** Schemas that apply to undeclared members; `open` when anything goes. */
  readonly additional: unknown[] | 'open';
  readonly items: unknown[];
}

const MAX_WALK_DEPTH = 64;

/** Walks values for one document; views are cached per schema object. */
export class SchemaWalker {
  readonly #document: unknown;
  readonly #views = new WeakMap<object, View>();
  readonly #resolved = new WeakMap<object, unknown>();

  constructor(document: unknown) {
    this.#document = document;
  }

  /** Walks `value` against `schema`, reporting (and removing when asked) members per `options`. */
  walk(value: unknown, schema: unknown, root: string, options: WalkOptions): Finding[] {
    const findings: Finding[] = [];
    this.#visit(value, [schema], root, options, findings, 0);
    return findings;
  }

  #visit(
    value: unknown,
    schemas: unknown[],
    at: string,
    options: WalkOptions,
    out: Finding[],
    depth: number,
  ): void {
    if (depth > MAX_WALK_DEPTH || out.length >= options.maxFindings || schemas.length === 0) return;
    if (Array.isArray(value)) {
      const items = this.#merged(schemas).items;
      if (items.length === 0) return;
      for (let i = 0; i < value.length; i++)
        this.#visit(value[i], items, `${at}[${i}]`, options, out, depth + 1);
      return;
    }
    if (!isObject(value)) return;
    const view = this.#merged(schemas);
    for (const key of Object.keys(value)) {
      if (out.length >= options.maxFindings) return;
      const location = `${at}${memberSegment(key)}`;
      const declared = view.properties.get(key);
      let kind: MemberFinding | undefined;
      let next: unknown[] = [];
      if (declared !== undefined) {
        const resolved = declared.map((s) => this.#deref(s));
        if (options.writeOnly && resolved.some((s) => isObject(s) && s.writeOnly === true))
          kind = 'write-only';
        else if (options.roles !== undefined && !this.#allowed(resolved, options.roles)) kind = 'role';
        next = declared;
      } else if (view.additional === 'open') {
        next = [];
      } else if (view.additional.length > 0) {
        next = view.additional;
      } else if (options.undeclared) {
        kind = 'undeclared';
      }
      if (kind !== undefined) {
        out.push({ location, kind });
        if (options.remove) delete value[key];
        continue;
      }
      if (next.length > 0) this.#visit(value[key], next, location, options, out, depth + 1);
    }
  }

  #allowed(schemas: unknown[], roles: NonNullable<WalkOptions['roles']>): boolean {
    for (const schema of schemas) {
      if (!isObject(schema)) continue;
      const needed = schema[roles.extension];
      if (Array.isArray(needed) && !needed.some((role) => typeof role === 'string' && roles.held.has(role)))
        return false;
    }
    return true;
  }

  #deref(schema: unknown): unknown {
    if (!isRef(schema)) return schema;
    const hit = this.#resolved.get(schema);
    if (hit !== undefined) return hit;
    let resolved: unknown;
    try {
      // 3.1 allows siblings of `$ref` (readOnly, x-rampart-read): they apply on top of the target.
      resolved = { ...(deref<object>(this.#document, schema) ?? {}), ...schema };
    } catch {
      resolved = undefined;
    }
    this.#resolved.set(schema, resolved);
    return resolved;
  }

  #merged(schemas: unknown[]): View {
    if (schemas.length === 1 && isObject(schemas[0])) return this.#viewOf(schemas[0]);
    const properties = new Map<string, unknown[]>();
    let additional: unknown[] | 'open' = [];
    const items: unknown[] = [];
    for (const schema of schemas) {
      if (!isObject(schema)) continue;
      const view = this.#viewOf(schema);
      for (const [name, list] of view.properties)
        properties.set(name, [...(properties.get(name) ?? []), ...list]);
      if (view.additional === 'open' || additional === 'open')
        additional = view.additional === 'open' ? 'open' : additional;
      else additional.push(...view.additional);
      items.push(...view.items);
    }
    return { properties, additional, items };
  }

  /** One schema's members, following `$ref` and merging allOf/anyOf/oneOf (a union: any branch may apply). */
  #viewOf(schema: object): View {
    const cached = this.#views.get(schema);
    if (cached !== undefined) return cached;
    const properties = new Map<string, unknown[]>();
    const additional: unknown[] = [];
    const items: unknown[] = [];
    let declaresMembers = false;
    let open = false;
    const seen = new Set<object>();
    const collect = (node: unknown, depth: number): void => {
      if (depth > 32) return;
      let target = node;
      try {
        target = deref(this.#document, node);
      } catch {
        return;
      }
      if (!isObject(target) || seen.has(target)) return;
      seen.add(target);
      if (isObject(target.properties)) {
        declaresMembers = true;
        for (const [name, member] of Object.entries(target.properties)) {
          properties.set(name, [...(properties.get(name) ?? []), member]);
        }
      }
      const extra = target.additionalProperties;
      if (extra === false) declaresMembers = true;
      else if (extra === true) open = true;
      else if (isObject(extra)) additional.push(extra);
      if (isObject(target.patternProperties)) open = true;
      if (isObject(target.items)) items.push(target.items);
      for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
        const members = target[keyword];
        if (Array.isArray(members)) for (const member of members) collect(member, depth + 1);
      }
    };
    collect(schema, 0);
    // No member declared at all (`{}`, `type: object` alone): a free-form object, nothing to filter.
    const view: View = {
      properties,
      additional: open || (!declaresMembers && additional.length === 0) ? 'open' : additional,
      items,
    };
    this.#views.set(schema, view);
    return view;
  }
}
