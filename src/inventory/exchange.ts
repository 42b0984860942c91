// One request and its answer as the inventory learns from it, whatever it came from: the gateway's
// observe stage, a HAR file or an access log. Only what the source had is set.

/** Header maps as Node and HAR readers give them (lower-case names). */
export type Headers = Readonly<Record<string, string | number | readonly string[] | undefined>>;

/** One exchange. */
export interface Exchange {
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly method: string;
  /** The path without its query. */
  readonly path: string;
  /** The raw query string without `?` (may be empty). */
  readonly rawQuery: string;
  readonly status: number;
  readonly durationMs: number;
  readonly requestHeaders?: Headers | undefined;
  readonly requestBody?: Buffer | string | undefined;
  readonly responseHeaders?: Headers | undefined;
  readonly responseBody?: Buffer | string | undefined;
  /** The consumer the gateway identified; undefined when it identified none. */
  readonly consumerId?: string | undefined;
  /** The authentication method that identified it (`api-key`, `jwt`, …). */
  readonly authnMethod?: string | undefined;
  /** The gateway route it went through. */
  readonly route?: string | undefined;
  readonly requestId?: string | undefined;
  readonly clientIp?: string | undefined;
  /** The gateway answered itself (a deny, a refusal, an upstream error): the status is not the API's. */
  readonly local?: boolean | undefined;
  /** How many exchanges this one stands for (sampling under load keeps 1 in `weight`); 1 when absent. */
  readonly weight?: number | undefined;
}

/** The first value of a header. */
export function headerValue(headers: Headers | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : value[0];
}
