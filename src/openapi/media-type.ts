// Media type parsing and matching of a request's Content-Type against a spec's `content` keys
// (exact, then `type/*`, then `*/*`, as OpenAPI 3 §4.8.14 orders them).

/** The body formats the validator knows how to read. */
export type BodyFormat = 'json' | 'form' | 'multipart' | 'text' | 'opaque';

/** `Application/JSON; charset=utf-8` → `application/json`. */
export function essenceOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semi = contentType.indexOf(';');
  const essence = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return essence === '' ? undefined : essence;
}

/** How a media type's body is read. */
export function formatOf(essence: string): BodyFormat {
  if (essence === 'application/json' || essence.endsWith('+json')) return 'json';
  if (essence === 'application/x-www-form-urlencoded') return 'form';
  if (essence === 'multipart/form-data') return 'multipart';
  if (essence.startsWith('text/')) return 'text';
  return 'opaque';
}

/** Picks the spec's entry for a request essence, most specific first; undefined when none fits. */
export function pickMediaType<T>(entries: ReadonlyMap<string, T>, essence: string): T | undefined {
  const exact = entries.get(essence);
  if (exact !== undefined) return exact;
  const slash = essence.indexOf('/');
  const wildcard = slash === -1 ? undefined : entries.get(`${essence.slice(0, slash)}/*`);
  return wildcard ?? entries.get('*/*');
}
