// Reading an answer the way tests assert on it: status, the problem document's code, Retry-After.

/** What a test reads from one answer. */
export interface Answered {
  readonly status: number;
  readonly code: string | undefined;
  readonly retryAfter: string | null;
}

/** GETs `url` (bounded) and returns its status, problem code (problem+json answers only) and Retry-After. */
export async function getAnswer(url: string): Promise<Answered> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  const code = response.headers.get('content-type')?.includes('problem+json')
    ? (JSON.parse(text) as { code: string }).code
    : undefined;
  return { status: response.status, code, retryAfter: response.headers.get('retry-after') };
}
