// What the inventory knows about one endpoint (a method and a path template): counts, statuses,
// latency, who called it and how, its parameters with inferred types, the sensitive data it carried.
// Plain JSON, so it is stored as it is; `mergeFacts` adds two of them (two flushes, two instances).
import type { JsonType, SegmentKind } from './values.ts';

/** Where a parameter was seen; `response` holds the members of JSON answers (2xx). */
export const PARAM_LOCATIONS = ['path', 'query', 'header', 'body', 'response'] as const;
export type ParamLocation = (typeof PARAM_LOCATIONS)[number];

/** Bounds of one endpoint's record (the learner's global caps are in its options). */
export const ENDPOINT_LIMITS = {
  /** Parameters per endpoint, all locations together; more are counted in `droppedParams`. */
  params: 128,
  /** Consumers remembered per endpoint; more are counted in `consumersOverflow`. */
  consumers: 32,
  /** Distinct path values fingerprinted per path parameter (a cardinality estimate up to this). */
  distinct: 32,
  /** Gateway routes remembered per endpoint. */
  routes: 8,
  /** Length of a recorded (redacted) example value. */
  example: 64,
} as const;

/** Upper bounds (ms) of the latency buckets; the last bucket is everything slower. */
export const LATENCY_BOUNDS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000] as const;

/** What was seen of one parameter. */
export interface ParamFacts {
  seen: number;
  types: Partial<Record<JsonType, number>>;
  /** String formats seen (`uuid`, `date`, `date-time`, `email`). */
  formats: Record<string, number>;
  /** Path parameters: the segment kinds seen. */
  kinds?: Partial<Record<SegmentKind, number>>;
  /** Path parameters: fingerprints of distinct values (at most ENDPOINT_LIMITS.distinct). */
  distinct?: number[];
  /** One value, redacted (secret-looking names and sensitive types masked) and shortened. */
  example?: string;
}

/** How callers of an endpoint identified themselves. */
export interface AuthnFacts {
  /** The gateway established an identity. */
  authenticated: number;
  /** A credential was sent (Authorization, a cookie, an API-key header or parameter) but not checked here. */
  credentialed: number;
  /** No credential at all. */
  anonymous: number;
  /** Anonymous calls answered with a status below 400. */
  anonymousOk: number;
}

/** One endpoint. */
export interface EndpointFacts {
  method: string;
  template: string;
  /** Whether the template is a spec's (the request matched a documented operation) or learned. */
  documented: boolean;
  firstSeen: number;
  lastSeen: number;
  count: number;
  /** Statuses the API answered with. */
  statuses: Record<string, number>;
  /** Statuses of the gateway's own answers (denials, refusals, upstream errors): the API never answered. */
  gatewayStatuses: Record<string, number>;
  latency: { sum: number; max: number; buckets: number[] };
  authn: AuthnFacts;
  /** Authentication methods the gateway used (`api-key`, `jwt`, …). */
  authnMethods: Record<string, number>;
  consumers: string[];
  consumersOverflow: number;
  routes: string[];
  params: Record<ParamLocation, Record<string, ParamFacts>>;
  /** Sensitive data types (sensitive-data's detectors) seen in requests and in answers. */
  sensitive: { request: Record<string, number>; response: Record<string, number> };
  droppedParams: number;
}

/** An empty record for `method` and `template`. */
export function newFacts(method: string, template: string, documented: boolean, time: number): EndpointFacts {
  return {
    method,
    template,
    documented,
    firstSeen: time,
    lastSeen: time,
    count: 0,
    statuses: {},
    gatewayStatuses: {},
    latency: { sum: 0, max: 0, buckets: LATENCY_BOUNDS.map(() => 0).concat(0) },
    authn: { authenticated: 0, credentialed: 0, anonymous: 0, anonymousOk: 0 },
    authnMethods: {},
    consumers: [],
    consumersOverflow: 0,
    routes: [],
    params: { path: {}, query: {}, header: {}, body: {}, response: {} },
    sensitive: { request: {}, response: {} },
    droppedParams: 0,
  };
}

/**
 * Names clients choose (parameters, members) are never keys of an object's own machinery: a member
 * named `__proto__` or `constructor` must not reach a prototype (the demo API's README, OWASP
 * prototype pollution).
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether a client-chosen name can be a key of the facts. */
export function isUsableName(name: string): boolean {
  return !RESERVED_NAMES.has(name);
}

/** The parameter `name` of one location, own properties only. */
export function paramOf(params: Readonly<Record<string, ParamFacts>>, name: string): ParamFacts | undefined {
  return Object.hasOwn(params, name) ? params[name] : undefined;
}

/** Adds one to `counts[key]`. */
export function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Records one latency. */
export function recordLatency(facts: EndpointFacts, ms: number): void {
  facts.latency.sum += ms;
  if (ms > facts.latency.max) facts.latency.max = ms;
  let bucket = LATENCY_BOUNDS.findIndex((bound) => ms <= bound);
  if (bucket === -1) bucket = LATENCY_BOUNDS.length;
  facts.latency.buckets[bucket] = (facts.latency.buckets[bucket] ?? 0) + 1;
}

/** The latency under which `quantile` (0..1) of the calls finished, as a bucket's upper bound. */
export function latencyQuantile(facts: EndpointFacts, quantile: number): number {
  const total = facts.latency.buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let seen = 0;
  for (let i = 0; i < facts.latency.buckets.length; i++) {
    seen += facts.latency.buckets[i] ?? 0;
    if (seen >= quantile * total) return LATENCY_BOUNDS[i] ?? facts.latency.max;
  }
  return facts.latency.max;
}

/** How many parameters the record holds. */
export function paramCount(facts: EndpointFacts): number {
  let n = 0;
  for (const location of PARAM_LOCATIONS) n += Object.keys(facts.params[location]).length;
  return n;
}

function addCounts(into: Record<string, number>, from: Readonly<Record<string, number | undefined>>): void {
  for (const [key, value] of Object.entries(from)) if (value !== undefined) bump(into, key, value);
}

function unionBounded<T>(into: T[], from: readonly T[], cap: number): number {
  let overflow = 0;
  for (const item of from) {
    if (into.includes(item)) continue;
    if (into.length < cap) into.push(item);
    else overflow++;
  }
  return overflow;
}

function mergeParam(into: ParamFacts, from: ParamFacts): void {
  into.seen += from.seen;
  addCounts(into.types, from.types);
  addCounts(into.formats, from.formats);
  if (from.kinds !== undefined) {
    into.kinds ??= {};
    addCounts(into.kinds, from.kinds);
  }
  if (from.distinct !== undefined) {
    into.distinct ??= [];
    unionBounded(into.distinct, from.distinct, ENDPOINT_LIMITS.distinct);
  }
  if (into.example === undefined && from.example !== undefined) into.example = from.example;
}

/** Adds `from` into `into` (same endpoint); parameters beyond the endpoint's cap are counted, not kept. */
export function mergeFacts(into: EndpointFacts, from: EndpointFacts): EndpointFacts {
  into.documented ||= from.documented;
  into.firstSeen = Math.min(into.firstSeen, from.firstSeen);
  into.lastSeen = Math.max(into.lastSeen, from.lastSeen);
  into.count += from.count;
  addCounts(into.statuses, from.statuses);
  addCounts(into.gatewayStatuses, from.gatewayStatuses);
  into.latency.sum += from.latency.sum;
  into.latency.max = Math.max(into.latency.max, from.latency.max);
  from.latency.buckets.forEach((n, i) => {
    into.latency.buckets[i] = (into.latency.buckets[i] ?? 0) + n;
  });
  into.authn.authenticated += from.authn.authenticated;
  into.authn.credentialed += from.authn.credentialed;
  into.authn.anonymous += from.authn.anonymous;
  into.authn.anonymousOk += from.authn.anonymousOk;
  addCounts(into.authnMethods, from.authnMethods);
  into.consumersOverflow +=
    from.consumersOverflow + unionBounded(into.consumers, from.consumers, ENDPOINT_LIMITS.consumers);
  unionBounded(into.routes, from.routes, ENDPOINT_LIMITS.routes);
  let count = paramCount(into);
  for (const location of PARAM_LOCATIONS) {
    for (const [name, param] of Object.entries(from.params[location])) {
      if (!isUsableName(name)) continue;
      const held = paramOf(into.params[location], name);
      if (held !== undefined) mergeParam(held, param);
      else if (count < ENDPOINT_LIMITS.params) {
        into.params[location][name] = structuredClone(param);
        count++;
      } else into.droppedParams++;
    }
  }
  addCounts(into.sensitive.request, from.sensitive.request);
  addCounts(into.sensitive.response, from.sensitive.response);
  into.droppedParams += from.droppedParams;
  return into;
}

/** The types of a parameter, most seen first. */
export function typesOf(param: ParamFacts): JsonType[] {
  return (Object.entries(param.types) as [JsonType, number][]).sort((a, b) => b[1] - a[1]).map(([t]) => t);
}

/** The endpoint's key in maps and the store: `GET /users/{id}`. */
export function endpointKey(method: string, template: string): string {
  return `${method} ${template}`;
}
