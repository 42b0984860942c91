// Finds the response an operation documents for a status (exact, then `2XX`, then `default`) and the
// schema of its media type.
import { essenceOf, pickMediaType } from './media-type.ts';
import type { Operation } from './operations.ts';
import { isObject } from './pointer.ts';

/** What the contract says about one response. */
export type DocumentedResponse =
  | { readonly kind: 'undocumented' }
  | { readonly kind: 'no-content' }
  | { readonly kind: 'media-undocumented'; readonly accepted: readonly string[] }
  | { readonly kind: 'schema'; readonly schema: unknown; readonly essence: string };

/** The documented response of `operation` for `status` and the response's content type. */
export function documentedResponse(
  operation: Operation,
  status: number,
  contentType: string | undefined,
): DocumentedResponse {
  const key = String(status);
  const response =
    operation.responses[key] ?? operation.responses[`${key[0]}XX`] ?? operation.responses.DEFAULT;
  if (response === undefined) return { kind: 'undocumented' };
  if (!isObject(response.content)) return { kind: 'no-content' };
  const entries = new Map<string, unknown>();
  for (const [type, entry] of Object.entries(response.content)) entries.set(essenceOf(type) ?? type, entry);
  const essence = essenceOf(contentType);
  const entry = essence === undefined ? undefined : pickMediaType(entries, essence);
  if (entry === undefined) return { kind: 'media-undocumented', accepted: [...entries.keys()] };
  return { kind: 'schema', schema: isObject(entry) ? entry.schema : undefined, essence: essence! };
}
