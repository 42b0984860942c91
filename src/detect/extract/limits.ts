// Bounds shared by the extractors: how many inputs, how deep, how long a location may be.

/** At most this many inputs are extracted from one request part; the rest is reported as one remainder. */
export const MAX_INPUTS = 10_000;
/** JSON and XML nesting deeper than this is inspected as text, not walked. */
export const MAX_DEPTH = 64;
/** Location segments are cut to this length (a long key must not blow up logs). */
export const MAX_SEGMENT = 64;

/** A location segment safe for logs: cut, controls replaced. */
export function segment(name: string): string {
  const cut = name.length > MAX_SEGMENT ? `${name.slice(0, MAX_SEGMENT)}…` : name;
  return cut.replace(/[\u0000-\u001f\u007f]/g, '_');
}
