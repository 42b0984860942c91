// JSON Pointers (RFC 6901) and local `$ref` resolution inside one OpenAPI document.

/** Escapes one reference token: `~` → `~0`, `/` → `~1` (RFC 6901 §3). */
export function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Builds a `#/a/b` fragment pointer from tokens. */
export function pointerOf(tokens: readonly (string | number)[]): string {
  return `#/${tokens.map((token) => escapeToken(String(token))).join('/')}`;
}

/** Splits a `#/a/b` fragment into unescaped tokens; throws on anything but a local fragment. */
export function parsePointer(ref: string): string[] {
  if (ref === '#' || ref === '#/') return [];
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got "${ref.slice(0, 120)}"`);
  return ref
    .slice(2)
    .split('/')
    .map((token) => decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The value at `ref` in `root`, or throws naming the reference. */
export function resolvePointer(root: unknown, ref: string): unknown {
  let node = root;
  for (const token of parsePointer(ref)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, token)) {
      throw new Error(`$ref "${ref.slice(0, 200)}" does not resolve`);
    }
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** Limit on `$ref` chains (`a` → `b` → …), so a reference loop cannot spin. */
const MAX_REF_HOPS = 64;

/** Follows `$ref` objects until a non-reference value; returns it with the pointer it came from. */
export function deref<T = unknown>(root: unknown, value: unknown): T {
  let node = value;
  for (let hops = 0; isRef(node); hops++) {
    if (hops >= MAX_REF_HOPS) throw new Error(`$ref chain longer than ${MAX_REF_HOPS} at "${node.$ref}"`);
    node = resolvePointer(root, node.$ref);
  }
  return node as T;
}

/** Whether a value is a `{ $ref: string }` reference object. */
export function isRef(value: unknown): value is { $ref: string } {
  return (
    value !== null && typeof value === 'object' && typeof (value as { $ref?: unknown }).$ref === 'string'
  );
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
