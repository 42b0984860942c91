// The request shapes the benchmark sends: a small GET and JSON POSTs of 1 KiB and 64 KiB.

/** One kind of request, sent over and over by the load generator. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A JSON document of exactly `bytes` bytes: an array of order-like records, padded. */
export function jsonBody(bytes: number): string {
  const document = { customer: 'bench', items: [] as Array<Record<string, unknown>>, pad: '' };
  let length = JSON.stringify(document).length;
  for (let i = 1; ; i++) {
    const item = {
      sku: `SKU-${String(i).padStart(6, '0')}`,
      quantity: (i % 9) + 1,
      unitPrice: 9.99,
      note: 'ok',
    };
    const added = JSON.stringify(item).length + (i > 1 ? 1 : 0);
    if (length + added > bytes) break;
    document.items.push(item);
    length += added;
  }
  document.pad = 'x'.repeat(Math.max(0, bytes - length));
  return JSON.stringify(document);
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** The scenarios, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'get-small', description: 'GET, ~80 B JSON answer', method: 'GET', path: '/small', headers: {} },
  {
    name: 'post-1k',
    description: 'POST 1 KiB JSON, small answer',
    method: 'POST',
    path: '/consume',
    headers: JSON_HEADERS,
    body: jsonBody(1024),
  },
  {
    name: 'post-64k',
    description: 'POST 64 KiB JSON, small answer',
    method: 'POST',
    path: '/consume',
    headers: JSON_HEADERS,
    body: jsonBody(64 * 1024),
  },
];
