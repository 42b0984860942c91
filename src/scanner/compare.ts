// Comparing answers by effect: JSON shapes, list sizes and whether one answer carries another's data.

/** A structural signature of a JSON value: keys, types and array lengths (values ignored). */
export function shapeOf(value: unknown, depth = 0): string {
  if (depth > 6) return '…';
  if (Array.isArray(value))
    return `[${value.length}:${value.length > 0 ? shapeOf(value[0], depth + 1) : ''}]`;
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${k}:${shapeOf((value as Record<string, unknown>)[k], depth + 1)}`).join(',')}}`;
}

/** A signature of an answer for differential tests: status and body shape. */
export function signatureOf(res: { status: number; json: unknown; body: string }): string {
  return `${res.status}|${res.json === undefined ? `text:${res.body.length > 0}` : shapeOf(res.json)}`;
}

/** Whether two answers have the same top-level members (the same function answered). */
export function sameKeys(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a).sort().join(',');
  return ka !== '' && ka === Object.keys(b).sort().join(',');
}

/**
 * Whether `other` carries the data of `own`: the same identifier when there is one, and at least
 * two identical non-trivial values (so an echo of the id in an error body does not count).
 */
export function carriesData(own: unknown, other: unknown): boolean {
  if (own === null || other === null || typeof own !== 'object' || typeof other !== 'object') return false;
  const a = own as Record<string, unknown>;
  const b = other as Record<string, unknown>;
  if (a.id !== undefined && a.id !== b.id) return false;
  const shared = Object.entries(a).filter(
    ([key, value]) =>
      (typeof value === 'string' ? value.length > 2 : typeof value === 'number') && b[key] === value,
  );
  return a.id !== undefined ? shared.some(([key]) => key !== 'id') : shared.length >= 2;
}
