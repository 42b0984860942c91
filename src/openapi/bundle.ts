// Multi-file specs made whole: every `$ref` to another file (`paths/pets.yaml`,
// `../common.yaml#/components/schemas/Error`) is rewritten into a local reference, the referenced part
// copied once under `x-rampart-external`, so the rest of the library only ever follows local `#/…`
// references. Remote URLs are refused with the place that names them; nothing is fetched.
import { dirname, resolve } from 'node:path';
import { isObject, pointerOf, resolvePointer } from './pointer.ts';

/** Where copied parts of other files live in the bundled document. */
export const EXTERNAL_MEMBER = 'x-rampart-external';

/** Limits on what bundling may read. */
export interface BundleLimits {
  readonly maxFiles: number;
  readonly maxTotalBytes: number;
}

/** Where a copied part came from: its file and the pointer inside it. */
export interface PartOrigin {
  readonly file: string;
  readonly pointer: string;
}

/** The file and pointer a pointer into the bundled document stands for (`origins` from bundleExternalRefs). */
export function originOf(
  pointer: string,
  main: string,
  origins: ReadonlyMap<string, PartOrigin>,
): PartOrigin {
  const prefix = `#/${EXTERNAL_MEMBER}/`;
  if (!pointer.startsWith(prefix)) return { file: main, pointer };
  const rest = pointer.slice(prefix.length);
  const slash = rest.indexOf('/');
  const name = slash === -1 ? rest : rest.slice(0, slash);
  const origin = origins.get(name);
  if (origin === undefined) return { file: main, pointer };
  const base = origin.pointer === '#' ? '#' : origin.pointer;
  return { file: origin.file, pointer: slash === -1 ? base : `${base}${rest.slice(slash)}` };
}

/** Reads and parses one referenced file (YAML or JSON), returning its root and its size. */
export type ReadSpecPart = (path: string) => { readonly root: unknown; readonly bytes: number };

/** A `$ref` that cannot be resolved, located by the file and JSON pointer that hold it. */
export class UnresolvableRefError extends Error {
  readonly file: string;
  readonly pointer: string;
  readonly ref: string;
  constructor(file: string, pointer: string, ref: string, reason: string) {
    super(`${file}${pointer}: $ref "${ref.slice(0, 200)}" cannot be resolved: ${reason}`);
    this.name = 'UnresolvableRefError';
    this.file = file;
    this.pointer = pointer;
    this.ref = ref;
  }
}

// A scheme (`https:`, `file:`, `urn:`) before any `/`, `#` or `.`: not a relative file reference.
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Whether the document text names any `$ref` that is not local (`#…`); cheap test before walking. */
export function hasExternalRefs(text: string): boolean {
  let at = text.indexOf('$ref');
  while (at !== -1) {
    let i = at + 4;
    while (i < text.length && (text[i] === '"' || text[i] === "'" || text[i] === ' ' || text[i] === ':')) i++;
    if (i < text.length && text[i] !== '#') return true;
    at = text.indexOf('$ref', i);
  }
  return false;
}

interface Frame {
  readonly node: unknown;
  readonly file: string;
  readonly tokens: readonly (string | number)[];
}

/**
 * Bundles `document` (read from `path`) in place and returns the files it read besides `path`.
 * Throws UnresolvableRefError for a missing file, a pointer that does not resolve, a remote URL, or
 * when the limits are passed.
 */
export function bundleExternalRefs(
  document: Record<string, unknown>,
  path: string,
  read: ReadSpecPart,
  limits: BundleLimits,
  origins?: Map<string, PartOrigin>,
): string[] {
  const roots = new Map<string, unknown>([[path, document]]);
  const copied = new Map<string, string>();
  const external: Record<string, unknown> = {};
  let totalBytes = 0;
  const stack: Frame[] = [{ node: document, file: path, tokens: [] }];

  const rootOf = (file: string, where: Frame, ref: string): unknown => {
    const known = roots.get(file);
    if (known !== undefined) return known;
    if (roots.size >= limits.maxFiles) {
      throw new UnresolvableRefError(
        where.file,
        pointerOf(where.tokens),
        ref,
        `more than ${limits.maxFiles} files`,
      );
    }
    let part: ReturnType<ReadSpecPart>;
    try {
      part = read(file);
    } catch (error) {
      throw new UnresolvableRefError(where.file, pointerOf(where.tokens), ref, (error as Error).message);
    }
    totalBytes += part.bytes;
    if (totalBytes > limits.maxTotalBytes) {
      throw new UnresolvableRefError(
        where.file,
        pointerOf(where.tokens),
        ref,
        `the files pass ${limits.maxTotalBytes} bytes`,
      );
    }
    roots.set(file, part.root);
    return part.root;
  };

  /** The local pointer that stands for `fragment` of `file`, copying that part on first use. */
  const localFor = (file: string, fragment: string, where: Frame, ref: string): string => {
    if (file === path) return fragment;
    const key = `${file}${fragment}`;
    const known = copied.get(key);
    if (known !== undefined) return known;
    const root = rootOf(file, where, ref);
    let target: unknown;
    try {
      target = resolvePointer(root, fragment);
    } catch (error) {
      throw new UnresolvableRefError(where.file, pointerOf(where.tokens), ref, (error as Error).message);
    }
    const name = `p${copied.size}`;
    origins?.set(name, { file, pointer: fragment });
    const local = pointerOf([EXTERNAL_MEMBER, name]);
    copied.set(key, local);
    const copy = structuredClone(target);
    external[name] = copy;
    stack.push({ node: copy, file, tokens: [EXTERNAL_MEMBER, name] });
    return local;
  };

  /** The local form of a reference written in `where.file`. */
  const rewrite = (ref: string, where: Frame): string => {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? '#' : ref.slice(hash);
    // Local to the file it stands in: the main document's stay, other files' are rewritten.
    if (filePart === '') return where.file === path ? ref : localFor(where.file, fragment, where, ref);
    if (HAS_SCHEME.test(filePart)) {
      throw new UnresolvableRefError(
        where.file,
        pointerOf(where.tokens),
        ref,
        'remote references are not fetched; download the file beside the spec and refer to it by path',
      );
    }
    return localFor(resolve(dirname(where.file), decodeURIComponent(filePart)), fragment, where, ref);
  };

  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { node, file, tokens } = frame;
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        if (item !== null && typeof item === 'object')
          stack.push({ node: item, file, tokens: [...tokens, index] });
      });
      continue;
    }
    if (!isObject(node)) continue;
    if (typeof node.$ref === 'string') node.$ref = rewrite(node.$ref, frame);
    // A discriminator's mapping names schemas by reference too (OpenAPI 3 §4.8.25): a value with a
    // `/` or `#` is a reference (`models/actions.yml#/reboot`), a bare word a component name.
    const mapping = isObject(node.discriminator) ? node.discriminator.mapping : undefined;
    if (isObject(mapping)) {
      for (const [key, value] of Object.entries(mapping)) {
        if (typeof value === 'string' && (value.includes('#') || value.includes('/')))
          mapping[key] = rewrite(value, frame);
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (value !== null && typeof value === 'object')
        stack.push({ node: value, file, tokens: [...tokens, key] });
    }
  }
  if (copied.size > 0) document[EXTERNAL_MEMBER] = external;
  return [...roots.keys()].filter((file) => file !== path);
}
