// The request shapes the benchmark sends: a small GET and JSON POSTs of 1 KiB and 64 KiB.
import { BENCH_API_KEY, BENCH_JWT } from './identity.ts';

/** One kind of request, sent over and over by the load generator. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Bodies sent in turn instead of `body` (each connection cycles through them). */
  readonly bodies?: readonly string[];
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

/** Delivery notes as shoppers write them: punctuation, phone numbers, a URL, now and then a word of SQL. */
const NOTES = [
  'Gift wrap, please.',
  'Leave at the back door. Thanks!',
  'Size: M / colour: navy',
  'Call +1 (555) 010-2030 on arrival',
  'N/A',
  'Same as order #1182 (the blue one)',
  'See https://shop.example.com/help/returns?lang=en',
  "Don't ring the bell; baby asleep :)",
  'Deliver after 5 p.m. or select another day',
  '50% off code: SPRING-26',
];

/**
 * A JSON order of about `bytes` bytes as a shop's client sends it: an email, SKUs, prices, and notes
 * of free text. Every string leaf is one the detection engine must read (none is plain words), and
 * `seed` makes the SKUs, the customer and one note in three differ from one document to the next.
 */
export function mixedOrderBody(bytes: number, seed: number): string {
  const document = { customer: `jane.doe+${seed}@example.com`, items: [] as Array<Record<string, unknown>> };
  let length = JSON.stringify(document).length;
  for (let i = 1; ; i++) {
    const note = i % 3 === 0 ? `Order ${seed}-${i}: ${NOTES[i % NOTES.length]}` : NOTES[i % NOTES.length];
    const item = { sku: `SKU-${seed}.${i}/B`, quantity: (i % 9) + 1, unitPrice: 9.99 + (i % 50), note };
    const added = JSON.stringify(item).length + (i > 1 ? 1 : 0);
    if (length + added > bytes) break;
    document.items.push(item);
    length += added;
  }
  return JSON.stringify(document);
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Ten typical API query parameters: ids, a search phrase, a date range, paging, an email, a URL. */
const QUERY_10 = new URLSearchParams({
  q: "O'Brien garden tools",
  category: 'outdoor-living',
  from: '2026-01-01',
  to: '2026-03-31',
  page: '3',
  limit: '50',
  sort: '-price',
  email: 'jane.doe@example.com',
  return: 'https://shop.example.com/cart?step=2',
  session: '7f3c9a2e-51b4-4d8e-9c1a-2b6f0e4d8a11',
}).toString();

/** An API key and a Bearer JWT on the same request: each authn target reads the one it knows. */
const AUTH_HEADERS = { 'x-api-key': BENCH_API_KEY, authorization: `Bearer ${BENCH_JWT}` };

/** The scenarios, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'get-small', description: 'GET, ~80 B JSON answer', method: 'GET', path: '/small', headers: {} },
  {
    name: 'get-query',
    description: 'GET with 10 query parameters (what a detection engine inspects), ~80 B answer',
    method: 'GET',
    path: `/small?${QUERY_10}`,
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
  },
  {
    name: 'get-auth',
    description: 'as get-small, with an API key and an ES256 Bearer JWT (for the api-key and jwt targets)',
    method: 'GET',
    path: '/small',
    headers: AUTH_HEADERS,
  },
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
  {
    name: 'post-64k-mixed',
    description:
      'POST ~64 KiB JSON orders of emails, SKUs and free-text notes, 64 different bodies in turn, small answer',
    method: 'POST',
    path: '/consume',
    headers: JSON_HEADERS,
    bodies: Array.from({ length: 64 }, (_, seed) => mixedOrderBody(64 * 1024, seed)),
  },
  {
    name: 'echo-64k',
    description: 'POST 64 KiB JSON, echoed back: a 64 KiB response (response filtering and masking)',
    method: 'POST',
    path: '/echo',
    headers: JSON_HEADERS,
    body: jsonBody(64 * 1024),
  },
];
