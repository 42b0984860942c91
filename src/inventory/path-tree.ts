// Path templating from traffic: a tree of path segments. Integers, uuids, hashes, dates and emails
// are parameters on sight; slug-like segments (`my-first-post`, `sku-1234`) become a parameter only
// when statistics over their siblings say so (many distinct values, each seen rarely), and any node
// with too many distinct literal children is collapsed into a parameter (unbounded keys in paths).
// The tree is bounded in nodes; when a collapse merges literal children, their old templates are
// reported so the endpoints learned under them are folded into the new one.
import { ID_KINDS, paramNameOf, type SegmentKind, segmentKind } from './values.ts';

/** Bounds and thresholds of the tree. */
export interface PathTreeOptions {
  /** Nodes in the whole tree (default 20 000). */
  readonly maxNodes?: number;
  /** Distinct literal children of one node before all are collapsed into a parameter (default 64). */
  readonly maxLiteralChildren?: number;
  /** Distinct slug-like children of one node before they are considered a parameter (default 10). */
  readonly slugThreshold?: number;
  /** …when also at least this share of their calls went to a value seen once (default 0.5). */
  readonly slugDistinctRatio?: number;
  /** Segments of a path; deeper paths are not learned (default 32). */
  readonly maxDepth?: number;
}

/** A path parameter of a learned template, with the value this request had. */
export interface TemplateParam {
  readonly name: string;
  readonly kind: SegmentKind;
  readonly value: string;
}

/** A path's template: `/users/{id}` for `/users/42`. */
export interface Templated {
  readonly template: string;
  readonly params: readonly TemplateParam[];
}

interface PathNode {
  literals: Map<string, PathNode> | undefined;
  param: PathNode | undefined;
  /** The name of this node when it is a parameter. */
  name: string;
  /** Why literals below it go to the parameter: slug-like ones (`slug`) or all (`all`). */
  collapsed: 'slug' | 'all' | undefined;
  /** Calls that went to a slug-like literal child, and how many of those children there are. */
  slugHits: number;
  slugChildren: number;
}

/** Longer segments are never kept as literals: a parameter, whatever they look like. */
const MAX_LITERAL = 128;

const newNode = (name = ''): PathNode => ({
  literals: undefined,
  param: undefined,
  name,
  collapsed: undefined,
  slugHits: 0,
  slugChildren: 0,
});

function decoded(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Names of a template's parameters made unique: `{id}`, then `{id2}`. */
function uniqueName(name: string, used: Set<string>): string {
  let unique = name;
  for (let n = 2; used.has(unique); n++) unique = `${name}${n}`;
  used.add(unique);
  return unique;
}

/** Whether a template segment is a parameter (`{id}`). */
export function isParamSegment(segment: string): boolean {
  return segment.length > 2 && segment.startsWith('{') && segment.endsWith('}');
}

/** The learned path tree. */
export class PathTree {
  readonly #root = newNode();
  readonly #maxNodes: number;
  readonly #maxLiterals: number;
  readonly #slugThreshold: number;
  readonly #slugRatio: number;
  readonly #maxDepth: number;
  #nodes = 1;
  /** Templates whose endpoints must be folded into a collapsed parameter since the last drain. */
  #collapsed: string[] = [];

  constructor(options: PathTreeOptions = {}) {
    this.#maxNodes = options.maxNodes ?? 20_000;
    this.#maxLiterals = options.maxLiteralChildren ?? 64;
    this.#slugThreshold = options.slugThreshold ?? 10;
    this.#slugRatio = options.slugDistinctRatio ?? 0.5;
    this.#maxDepth = options.maxDepth ?? 32;
  }

  /** Nodes in the tree. */
  get nodes(): number {
    return this.#nodes;
  }

  /** The template prefixes collapsed since the last call (their endpoints are to be re-templated). */
  drainCollapsed(): string[] {
    const out = this.#collapsed;
    this.#collapsed = [];
    return out;
  }

  #child(node: PathNode, literal: string | undefined, name: string): PathNode | undefined {
    if (literal === undefined) {
      if (node.param !== undefined) return node.param;
      if (this.#nodes >= this.#maxNodes) return undefined;
      this.#nodes++;
      node.param = newNode(name);
      return node.param;
    }
    const held = node.literals?.get(literal);
    if (held !== undefined) return held;
    if (this.#nodes >= this.#maxNodes) return undefined;
    this.#nodes++;
    const child = newNode();
    node.literals ??= new Map();
    node.literals.set(literal, child);
    return child;
  }

  /** Merges `from` into `into` (both parameter or literal subtrees of one collapse). */
  #merge(into: PathNode, from: PathNode): void {
    if (from.collapsed === 'all' || into.collapsed === undefined)
      into.collapsed = from.collapsed ?? into.collapsed;
    if (from.param !== undefined) {
      if (into.param === undefined) into.param = from.param;
      else {
        this.#merge(into.param, from.param);
        this.#nodes--;
      }
    }
    for (const [literal, child] of from.literals ?? []) {
      const held = into.literals?.get(literal);
      if (held === undefined) {
        into.literals ??= new Map();
        into.literals.set(literal, child);
      } else {
        this.#merge(held, child);
        this.#nodes--;
      }
    }
  }

  /** Folds the literal children `which` selects into the node's parameter child. */
  #collapse(node: PathNode, prefix: string, mode: 'slug' | 'all'): void {
    node.collapsed = mode;
    if (node.param === undefined) {
      node.param = newNode('slug');
      this.#nodes++;
    }
    for (const [literal, child] of [...(node.literals ?? [])]) {
      if (mode === 'slug' && segmentKind(decoded(literal)) !== 'slug') continue;
      node.literals!.delete(literal);
      this.#merge(node.param, child);
      this.#nodes--;
      this.#collapsed.push(`${prefix}/${literal}`);
    }
    node.slugChildren = 0;
    node.slugHits = 0;
  }

  /** The template of a concrete path; undefined when the path is too deep or the tree is full. */
  template(path: string): Templated | undefined {
    const segments = path.split('/', this.#maxDepth + 2);
    if (segments.length > this.#maxDepth + 1) return undefined;
    let node = this.#root;
    let template = '';
    const params: TemplateParam[] = [];
    const used = new Set<string>();
    for (let i = 1; i < segments.length; i++) {
      const raw = segments[i]!;
      const kind = segmentKind(decoded(raw));
      let next: PathNode | undefined;
      let literal = node.literals?.get(raw) === undefined ? undefined : raw;
      if (literal === undefined) {
        const asParam =
          ID_KINDS.has(kind) ||
          raw.length > MAX_LITERAL ||
          node.collapsed === 'all' ||
          (node.collapsed === 'slug' && kind === 'slug');
        if (!asParam) literal = raw;
      }
      if (literal !== undefined) {
        const isNew = node.literals?.get(literal) === undefined;
        next = this.#child(node, literal, '');
        if (next === undefined) return undefined;
        if (kind === 'slug') {
          node.slugHits++;
          if (isNew) node.slugChildren++;
        }
        if (isNew && this.#shouldCollapse(node, kind)) {
          this.#collapse(node, template, node.literals!.size > this.#maxLiterals ? 'all' : 'slug');
          next = node.param;
          literal = undefined;
        }
      } else {
        next = this.#child(node, undefined, paramNameOf(kind === 'word' ? 'slug' : kind));
      }
      if (next === undefined) return undefined;
      if (literal !== undefined) template += `/${raw}`;
      else {
        const name = uniqueName(next.name, used);
        template += `/{${name}}`;
        params.push({ name, kind, value: raw });
      }
      node = next;
    }
    return { template: template === '' ? '/' : template, params };
  }

  #shouldCollapse(node: PathNode, kind: SegmentKind): boolean {
    if ((node.literals?.size ?? 0) > this.#maxLiterals) return true;
    return (
      kind === 'slug' &&
      node.slugChildren >= this.#slugThreshold &&
      node.slugChildren / node.slugHits >= this.#slugRatio
    );
  }

  /**
   * The current template of a template learned earlier (after collapses): `/posts/my-post/comments`
   * becomes `/posts/{slug}/comments` once the slugs below `/posts` were collapsed.
   */
  retemplate(template: string): string {
    let node: PathNode | undefined = this.#root;
    let out = '';
    const used = new Set<string>();
    for (const segment of template.split('/').slice(1)) {
      const literal: PathNode | undefined = isParamSegment(segment)
        ? undefined
        : node?.literals?.get(segment);
      if (literal !== undefined) {
        out += `/${segment}`;
        node = literal;
      } else if (!isParamSegment(segment) && node?.param === undefined) {
        out += `/${segment}`;
        node = undefined;
      } else {
        const name = node?.param?.name ?? segment.slice(1, -1).replace(/[0-9]+$/, '');
        out += `/{${uniqueName(name, used)}}`;
        node = node?.param;
      }
    }
    return out === '' ? '/' : out;
  }

  /** Adds a template learned before (from the store), so this process templates like the others did. */
  seed(template: string): void {
    let node = this.#root;
    for (const segment of template.split('/').slice(1)) {
      const param = isParamSegment(segment);
      const name = param ? segment.slice(1, -1).replace(/[0-9]+$/, '') : '';
      const next = this.#child(node, param ? undefined : segment, name);
      if (next === undefined) return;
      if (param && name === 'slug') node.collapsed ??= 'slug';
      node = next;
    }
  }
}
