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
  /** Remove reported members from the value in place: all of them, or those of the kinds listed. */
  readonly remove: boolean | readonly MemberFinding[];
  /** Stop after this many findings. */
  readonly maxFindings: number;
}

/** A reported member with its location (`body.items[0].passwordHash`). */
export interface Finding {
  readonly location: string;
  readonly kind: MemberFinding;
  /** Whether the walk removed it from the value. */
  readonly removed: boolean;
}

interface View {
  readonly properties: Map<string, unknown[]>;
  /** Schemas that apply to undeclared members; `open` when anything goes. */
  readonly additional: unknown[] | 'open';
  readonly items: unknown[];
}

/** What the schemas of one declared member say about returning or setting it, computed once. */
interface MemberRules {
  readonly writeOnly: boolean;
  /** Per schema carrying the extension, the roles of which the caller needs one. */
  readonly read: readonly (readonly unknown[])[];
  readonly write: readonly (readonly unknown[])[];
}

const MAX_WALK_DEPTH = 64;

/** Walks values for one document; views are cached per schema object. */
export class SchemaWalker {
  readonly #document: unknown;
  readonly #views = new WeakMap<object, View>();
  readonly #merges = new WeakMap<unknown[], View>();
  readonly #rules = new WeakMap<unknown[], MemberRules>();
  readonly #resolved = new WeakMap<object, unknown>();
  readonly #uses = new Map<string, boolean>();

  constructor(document: unknown) {
    this.#document = document;
  }

  /** Whether any schema of the document carries `extension`: when none does, a roles-only walk finds nothing. */
  uses(extension: 'x-rampart-read' | 'x-rampart-write'): boolean {
    const known = this.#uses.get(extension);
    if (known !== undefined) return known;
    const found = documentUses(this.#document, extension);
    this.#uses.set(extension, found);
    return found;
  }

  /** Walks `value` against `schema`, reporting (and removing when asked) members per `options`. */
  walk(value: unknown, schema: unknown, root: string, options: WalkOptions): Finding[] {
    const findings: Finding[] = [];
    // Locations are rendered only for findings: most members are fine, and building a path string
    // for each of them was most of the walk's cost on large bodies.
    this.#visit(value, [schema], { root, path: [], options, out: findings }, 0);
    return findings;
  }

  /** `depth` is also how many path segments lead to `value` (`walk.path[0..depth)`). */
  #visit(value: unknown, schemas: unknown[], walk: Walk, depth: number): void {
    if (depth > MAX_WALK_DEPTH || walk.out.length >= walk.options.maxFindings || schemas.length === 0) return;
    const path = walk.path;
    if (Array.isArray(value)) {
      const items = this.#merged(schemas).items;
      if (items.length === 0) return;
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (item === null || typeof item !== 'object') continue;
        path[depth] = i;
        this.#visit(item, items, walk, depth + 1);
      }
      return;
    }
    if (!isObject(value)) return;
    const { options, out } = walk;
    const view = this.#merged(schemas);
    for (const key of Object.keys(value)) {
      if (out.length >= options.maxFindings) break;
      const declared = view.properties.get(key);
      let kind: MemberFinding | undefined;
      let next: unknown[] | undefined;
      if (declared !== undefined) {
        const rules = this.#rulesOf(declared);
        if (options.writeOnly && rules.writeOnly) kind = 'write-only';
        else if (options.roles !== undefined && !allowed(rules, options.roles)) kind = 'role';
        next = declared;
      } else if (view.additional === 'open') {
        next = undefined;
      } else if (view.additional.length > 0) {
        next = view.additional;
      } else if (options.undeclared) {
        kind = 'undeclared';
      }
      if (kind !== undefined) {
        path[depth] = key;
        const removed =
          options.remove === true || (options.remove !== false && options.remove.includes(kind));
        out.push({ location: render(walk.root, path, depth + 1), kind, removed });
        if (removed) delete value[key];
        continue;
      }
      const member = value[key];
      // Scalars have no members to report: skip the call (most members of a large body are scalars).
      if (next === undefined || next.length === 0 || member === null || typeof member !== 'object') continue;
      path[depth] = key;
      this.#visit(member, next, walk, depth + 1);
    }
  }

  #rulesOf(declared: unknown[]): MemberRules {
    const cached = this.#rules.get(declared);
    if (cached !== undefined) return cached;
    let writeOnly = false;
    const read: (readonly unknown[])[] = [];
    const write: (readonly unknown[])[] = [];
    for (const schema of declared) {
      const resolved = this.#deref(schema);
      if (!isObject(resolved)) continue;
      if (resolved.writeOnly === true) writeOnly = true;
      if (Array.isArray(resolved['x-rampart-read'])) read.push(resolved['x-rampart-read']);
      if (Array.isArray(resolved['x-rampart-write'])) write.push(resolved['x-rampart-write']);
    }
    const rules: MemberRules = { writeOnly, read, write };
    this.#rules.set(declared, rules);
    return rules;
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
    const cached = this.#merges.get(schemas);
    if (cached !== undefined) return cached;
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
    const merged: View = { properties, additional, items };
    this.#merges.set(schemas, merged);
    return merged;
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

/** The state of one walk: where it is (member names and indexes below `root`) and what it found. */
interface Walk {
  readonly root: string;
  readonly path: (string | number)[];
  readonly options: WalkOptions;
  readonly out: Finding[];
}

function render(root: string, path: readonly (string | number)[], length: number): string {
  let location = root;
  for (let i = 0; i < length; i++) {
    const segment = path[i]!;
    location += typeof segment === 'number' ? `[${segment}]` : memberSegment(segment);
  }
  return location;
}

/** Whether the caller holds, for every schema guarding the member, one of the roles it names. */
function allowed(rules: MemberRules, roles: NonNullable<WalkOptions['roles']>): boolean {
  const guards = roles.extension === 'x-rampart-read' ? rules.read : rules.write;
  for (const needed of guards)
    if (!needed.some((role) => typeof role === 'string' && roles.held.has(role))) return false;
  return true;
}

/** Whether a member named `key` occurs anywhere in `document` (iterative: specs can be deep). */
function documentUses(document: unknown, key: string): boolean {
  const stack: unknown[] = [document];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    if (Object.hasOwn(node, key)) return true;
    for (const value of Object.values(node)) stack.push(value);
  }
  return false;
}
