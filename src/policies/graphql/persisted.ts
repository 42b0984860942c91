// Persisted queries: the allow-list (an Apollo persisted-query manifest, a `{ hash: document }` map
// or bare hashes), the SHA-256 of a document, and the hash a request names (Apollo APQ's
// `extensions.persistedQuery.sha256Hash`, or GraphQL-over-HTTP's `documentId: "sha256:<hex>"`).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { GraphqlParams } from './request-params.ts';

const HEX64 = /^[0-9a-f]{64}$/;

/** Lower-case hex SHA-256 of a document's UTF-8 text (what APQ and manifests use). */
export function documentHash(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}

/** The allow-list: known hashes, and the document of those whose text the manifest holds. */
export interface PersistedDocuments {
  readonly size: number;
  has(hash: string): boolean;
  documentOf(hash: string): string | undefined;
}

function entriesOf(parsed: unknown, file: string): Array<[string, string]> {
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${file}: not a JSON object`);
  const record = parsed as Record<string, unknown>;
  if (Array.isArray(record.operations)) {
    // Apollo's persisted-query manifest: { format, version, operations: [{ id, body, name, type }] }.
    return record.operations.map((operation, index) => {
      const { id, body } = (operation ?? {}) as { id?: unknown; body?: unknown };
      if (typeof id !== 'string' || typeof body !== 'string')
        throw new Error(`${file}: operations[${index}] needs a string id and body`);
      return [id.toLowerCase(), body];
    });
  }
  return Object.entries(record).map(([hash, body]) => {
    if (typeof body !== 'string') throw new Error(`${file}: the document of ${hash} is not a string`);
    return [hash.toLowerCase(), body];
  });
}

/** Loads the manifest (optional) and the extra hashes; every listed hash must be the document's own. */
export function loadPersistedDocuments(
  manifest: string | undefined,
  baseDir: string,
  hashes: readonly string[],
): PersistedDocuments {
  const documents = new Map<string, string | undefined>();
  for (const hash of hashes) documents.set(hash, undefined);
  if (manifest !== undefined) {
    const path = isAbsolute(manifest) ? manifest : join(baseDir, manifest);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`persisted queries ${manifest}: ${(error as Error).message}`);
    }
    for (const [hash, body] of entriesOf(parsed, manifest)) {
      if (!HEX64.test(hash)) throw new Error(`${manifest}: ${hash} is not a SHA-256 hex digest`);
      if (documentHash(body) !== hash)
        throw new Error(`${manifest}: ${hash} is not the SHA-256 of its document`);
      documents.set(hash, body);
    }
  }
  return {
    size: documents.size,
    has: (hash) => documents.has(hash),
    documentOf: (hash) => documents.get(hash),
  };
}

/** The hash a request names, lower-case; undefined when it names none, `invalid` when malformed. */
export function requestedHash(params: GraphqlParams): string | undefined | 'invalid' {
  if (params.documentId !== undefined) {
    const id = params.documentId.toLowerCase();
    const hex = id.startsWith('sha256:') ? id.slice(7) : id;
    return HEX64.test(hex) ? hex : 'invalid';
  }
  const persisted = params.extensions?.persistedQuery;
  if (persisted === undefined) return undefined;
  const hash = (persisted as { sha256Hash?: unknown } | null)?.sha256Hash;
  if (typeof hash !== 'string') return 'invalid';
  const lower = hash.toLowerCase();
  return HEX64.test(lower) ? lower : 'invalid';
}
