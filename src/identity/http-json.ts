// A bounded JSON call for identity policies that ask another service (token introspection, userinfo
// enrichment). It uses the runtime's global `fetch`: policies never import undici or node:http
// (ARCHITECTURE §7), and these calls are off the proxy path (cached per token), so they need none of
// the upstream pool's settings. Every call has a timeout, refuses redirects (a credential must never
// follow one elsewhere) and reads at most `maxBytes` of the answer.

/** What came back: the status and the parsed JSON body (undefined when empty or not JSON). */
export interface JsonAnswer {
  readonly status: number;
  readonly json: unknown;
}

/** Why a call produced no answer (network error, timeout, redirect, oversized body). */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
}

/** Options of one call. */
export interface JsonCall {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ServiceUnavailableError(`answer larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Calls `url`; rejects with ServiceUnavailableError when no bounded answer arrives in time. */
export async function callJson(url: string, call: JsonCall): Promise<JsonAnswer> {
  let response: Response;
  const signal = AbortSignal.timeout(call.timeoutMs);
  try {
    response = await fetch(url, {
      method: call.method,
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      redirect: 'error',
      signal,
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new ServiceUnavailableError(timedOut ? 'timed out' : 'unreachable', { cause: error });
  }
  let text: string;
  try {
    text = await readBounded(response, call.maxBytes);
  } catch (error) {
    if (error instanceof ServiceUnavailableError) throw error;
    throw new ServiceUnavailableError('answer interrupted', { cause: error });
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json };
}
