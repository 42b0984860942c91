// Records one exchange into an endpoint's facts: status, latency, who called and how, parameters
// with inferred types (query, headers, JSON and form bodies, answer members) and the sensitive data
// types sensitive-data's detectors find. Bodies are read up to a byte budget, JSON walked to a depth.
import { createRedactor } from '../observe/redact.ts';
import {
  maskValue,
  SENSITIVE_TYPES,
  type SensitiveType,
  scanText,
} from '../policies/sensitive-data/scanner.ts';
import { type Exchange, type Headers, headerValue } from './exchange.ts';
import {
  bump,
  ENDPOINT_LIMITS,
  type EndpointFacts,
  isUsableName,
  type ParamFacts,
  type ParamLocation,
  paramCount,
  paramOf,
  recordLatency,
} from './facts.ts';
import type { TemplateParam } from './path-tree.ts';
import { type JsonType, jsonType, stringFormat, textType } from './values.ts';

const ALL_TYPES: ReadonlySet<SensitiveType> = new Set(SENSITIVE_TYPES);
const redactor = createRedactor();
const REDACTED = '[REDACTED]';

/** Headers every client sends or proxies add: not parameters of an API. */
const STANDARD_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-charset',
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'upgrade-insecure-requests',
  'via',
  'forwarded',
  'x-real-ip',
  'origin',
  'referer',
  'cache-control',
  'pragma',
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'range',
  'cookie',
  'authorization',
  'proxy-authorization',
  'expect',
  'dnt',
  'priority',
  'x-request-id',
  'traceparent',
  'tracestate',
  'baggage',
  'date',
  'x-requested-with',
]);

/** Whether a request header name is a parameter worth recording. */
export function isApiHeader(name: string): boolean {
  return !(
    STANDARD_HEADERS.has(name) ||
    name.startsWith(':') ||
    name.startsWith('sec-') ||
    name.startsWith('x-forwarded-')
  );
}

/** Budgets of one recording. */
export interface RecordLimits {
  /** Body bytes parsed and scanned (default 64 KiB); larger bodies are skipped; 0: bodies are not read. */
  readonly maxBodyBytes: number;
  /** Asked before a parameter new to the endpoint is kept; false: it is counted as dropped. */
  readonly admitParam: () => boolean;
  /** Told of a parameter the endpoint's own cap refused. */
  readonly dropParam: () => void;
}

const MAX_DEPTH = 6;
const MAX_MEMBERS = 64;
const MAX_ITEMS = 8;
const MAX_QUERY_PARAMS = 64;

/** A value fit to show: secret-looking names redacted, sensitive values masked, shortened. */
export function redactExample(name: string, value: string): string {
  if (redactor.isSensitiveParam(name)) return REDACTED;
  let text = value.slice(0, 256);
  const found = scanText(text, ALL_TYPES);
  for (let i = found.length - 1; i >= 0; i--) {
    const match = found[i]!;
    text =
      text.slice(0, match.start) +
      maskValue(match.type, text.slice(match.start, match.end)) +
      text.slice(match.end);
  }
  return text.length > ENDPOINT_LIMITS.example ? `${text.slice(0, ENDPOINT_LIMITS.example - 1)}…` : text;
}

// FNV-1a, 32 bits: a fingerprint of a path value for the distinct-values estimate (never the value).
function fingerprint(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

class Recorder {
  readonly facts: EndpointFacts;
  readonly limits: RecordLimits;
  /** The endpoint's parameter count, counted the first time a new parameter needs it. */
  #count = -1;

  constructor(facts: EndpointFacts, limits: RecordLimits) {
    this.facts = facts;
    this.limits = limits;
  }

  param(location: ParamLocation, name: string): ParamFacts | undefined {
    const held = paramOf(this.facts.params[location], name);
    if (held !== undefined) return held;
    if (!isUsableName(name)) return undefined;
    if (this.#count === -1) this.#count = paramCount(this.facts);
    if (this.#count >= ENDPOINT_LIMITS.params) {
      this.limits.dropParam();
      this.facts.droppedParams++;
      return undefined;
    }
    if (!this.limits.admitParam()) {
      this.facts.droppedParams++;
      return undefined;
    }
    this.#count++;
    const fresh: ParamFacts = { seen: 0, types: {}, formats: {} };
    this.facts.params[location][name] = fresh;
    return fresh;
  }

  value(location: ParamLocation, name: string, type: JsonType, text: string | undefined): void {
    const param = this.param(location, name);
    if (param === undefined) return;
    param.seen++;
    bump(param.types, type);
    if (type === 'string' && text !== undefined) {
      const format = stringFormat(text);
      if (format !== undefined) bump(param.formats, format);
    }
    if (param.example === undefined && text !== undefined && location !== 'header')
      param.example = redactExample(name, text);
  }

  json(location: 'body' | 'response', value: unknown, prefix: string, depth: number): void {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      const name = `${prefix}[]`;
      for (const item of value.slice(0, MAX_ITEMS)) this.member(location, name, item, depth);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    let members = 0;
    for (const [key, item] of Object.entries(value)) {
      if (members++ >= MAX_MEMBERS) break;
      if (key.length > 128 || !isUsableName(key)) continue;
      this.member(location, prefix === '' ? key : `${prefix}.${key}`, item, depth);
    }
  }

  member(location: 'body' | 'response', name: string, value: unknown, depth: number): void {
    const type = jsonType(value);
    this.value(
      location,
      name,
      type,
      typeof value === 'string' ? value : type === 'object' || type === 'array' ? undefined : String(value),
    );
    if (type === 'object' || type === 'array') this.json(location, value, name, depth + 1);
  }
}

function bodyText(body: Buffer | string | undefined, max: number): string | undefined {
  if (body === undefined || body.length === 0 || body.length > max) return undefined;
  return typeof body === 'string' ? body : body.toString('utf8');
}

function isJson(headers: Headers | undefined): boolean {
  const type = headerValue(headers, 'content-type')?.toLowerCase() ?? '';
  return type.startsWith('application/json') || (type.startsWith('application/') && type.includes('+json'));
}

function isForm(headers: Headers | undefined): boolean {
  return (headerValue(headers, 'content-type')?.toLowerCase() ?? '').startsWith(
    'application/x-www-form-urlencoded',
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function scanInto(counts: Record<string, number>, text: string): void {
  for (const match of scanText(text, ALL_TYPES)) bump(counts, match.type);
}

/** Whether the request carried a credential of any kind (header, cookie or secret-named parameter). */
export function carriesCredential(headers: Headers | undefined, query: URLSearchParams): boolean {
  if (headers !== undefined) {
    for (const name of Object.keys(headers)) if (redactor.isSensitiveHeader(name)) return true;
  }
  for (const name of query.keys()) if (redactor.isSensitiveParam(name)) return true;
  return false;
}

/** Records `exchange` into `facts`; `pathParams` are the template's parameters with this request's values. */
export function recordExchange(
  facts: EndpointFacts,
  exchange: Exchange,
  pathParams: readonly TemplateParam[],
  limits: RecordLimits,
): void {
  const recorder = new Recorder(facts, limits);
  const weight = exchange.weight ?? 1;
  facts.count += weight;
  facts.lastSeen = Math.max(facts.lastSeen, exchange.time);
  facts.firstSeen = Math.min(facts.firstSeen, exchange.time);
  bump(exchange.local === true ? facts.gatewayStatuses : facts.statuses, String(exchange.status), weight);
  recordLatency(facts, exchange.durationMs);
  const query = new URLSearchParams(exchange.rawQuery);
  if (exchange.consumerId !== undefined) {
    facts.authn.authenticated++;
    if (exchange.authnMethod !== undefined) bump(facts.authnMethods, exchange.authnMethod);
    if (!facts.consumers.includes(exchange.consumerId)) {
      if (facts.consumers.length < ENDPOINT_LIMITS.consumers)
        facts.consumers.push(exchange.consumerId.slice(0, 128));
      else facts.consumersOverflow++;
    }
  } else if (carriesCredential(exchange.requestHeaders, query)) facts.authn.credentialed++;
  else {
    facts.authn.anonymous++;
    if (exchange.status > 0 && exchange.status < 400) facts.authn.anonymousOk++;
  }
  if (
    exchange.route !== undefined &&
    !facts.routes.includes(exchange.route) &&
    facts.routes.length < ENDPOINT_LIMITS.routes
  )
    facts.routes.push(exchange.route);

  for (const param of pathParams) {
    const held = recorder.param('path', param.name);
    if (held === undefined) continue;
    held.seen++;
    held.kinds ??= {};
    bump(held.kinds, param.kind);
    bump(held.types, param.kind === 'int' ? 'integer' : 'string');
    held.distinct ??= [];
    const distinct = held.distinct;
    const print = fingerprint(param.value);
    if (distinct.length < ENDPOINT_LIMITS.distinct && !distinct.includes(print)) distinct.push(print);
    held.example ??= redactExample(param.name, param.value);
  }
  let queryParams = 0;
  for (const [name, value] of query) {
    if (queryParams++ >= MAX_QUERY_PARAMS) break;
    if (name.length > 128) continue;
    recorder.value('query', name, textType(value), value);
    if (value.length > 0) scanInto(facts.sensitive.request, value.slice(0, 1024));
  }
  if (exchange.requestHeaders !== undefined) {
    for (const [name, value] of Object.entries(exchange.requestHeaders)) {
      if (value === undefined || name.length > 128 || !isApiHeader(name)) continue;
      const text = headerValue(exchange.requestHeaders, name) ?? '';
      recorder.value('header', name, redactor.isSensitiveHeader(name) ? 'string' : textType(text), undefined);
    }
  }
  const requestText = bodyText(exchange.requestBody, limits.maxBodyBytes);
  if (requestText !== undefined) {
    scanInto(facts.sensitive.request, requestText);
    if (isJson(exchange.requestHeaders)) {
      const parsed = parseJson(requestText);
      if (parsed !== undefined) recorder.json('body', parsed, '', 0);
    } else if (isForm(exchange.requestHeaders)) {
      let fields = 0;
      for (const [name, value] of new URLSearchParams(requestText)) {
        if (fields++ >= MAX_MEMBERS) break;
        recorder.value('body', name, textType(value), value);
      }
    }
  }
  const responseText = bodyText(exchange.responseBody, limits.maxBodyBytes);
  if (responseText !== undefined) {
    scanInto(facts.sensitive.response, responseText);
    if (exchange.status >= 200 && exchange.status < 300 && isJson(exchange.responseHeaders)) {
      const parsed = parseJson(responseText);
      if (parsed !== undefined) recorder.json('response', parsed, '', 0);
    }
  }
}
