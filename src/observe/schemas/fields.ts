// What the OCSF and ECS mappings share: which kind of security event this is, and the request's
// fields as they may leave the process (redacted, bounded).
import type { SecurityEventRecord } from '../events.ts';
import { createRedactor, decodeFormText, REDACTED, type Redactor } from '../redact.ts';
import { redactSecretsInText } from '../redact-text.ts';

/** How a security event is classified for export. */
export type EventClass = 'authentication' | 'detection' | 'api';

// The identity policies (ARCHITECTURE §2, stage authn): their events are authentication attempts.
const AUTHN_POLICIES: ReadonlySet<string> = new Set([
  'api-key',
  'jwt',
  'basic',
  'hmac-signature',
  'mtls',
  'brute-force',
  'login-guard',
  'token-shield',
]);

/**
 * Authentication for the identity policies and `RAMPART_AUTHN_*` codes; a detection for the threat
 * engine, `RAMPART_THREAT_*` codes and flags naming a rule; an API activity (a refused call) otherwise.
 */
export function classify(event: SecurityEventRecord): EventClass {
  const code = event.code ?? '';
  if (AUTHN_POLICIES.has(event.policy) || code.startsWith('RAMPART_AUTHN_')) return 'authentication';
  if (event.policy === 'detect' || code.startsWith('RAMPART_THREAT_')) return 'detection';
  if (event.outcome === 'flagged' && event.rule !== undefined) return 'detection';
  return 'api';
}

const MAX_PATH = 2048;
const MAX_TEXT = 512;

/** Bounds and redacts free text that may carry what a client sent. */
export function safeText(text: string, max = MAX_TEXT): string {
  return redactSecretsInText(text, max);
}

// A part (path segment, query value) is judged decoded, as the application reads it, and replaced whole.
function safePart(part: string): string {
  const plain = decodeFormText(part);
  return redactSecretsInText(plain, plain.length + 1) === plain ? part : REDACTED;
}

/** A path as it may leave the process: each segment that holds a secret replaced, bounded. */
export function safePath(path: string): string {
  let out = '';
  let start = 0;
  while (start <= path.length && out.length < MAX_PATH) {
    let end = path.indexOf('/', start);
    if (end === -1) end = path.length;
    out += safePart(path.slice(start, end));
    if (end < path.length) out += '/';
    start = end + 1;
  }
  return out.length > MAX_PATH ? `${out.slice(0, MAX_PATH - 1)}…` : out;
}

/** Options shared by the mappings. */
export interface MappingOptions {
  /** The product version written into each event. */
  readonly productVersion: string;
  /** Extra header or query names to redact (`log.redact`). */
  readonly redactor?: Redactor;
}

const defaultRedactor = createRedactor();

/** The query as it may leave the process: sensitive parameters redacted, secret-looking values too. */
export function safeQuery(rawQuery: string, redactor: Redactor = defaultRedactor): string {
  const named = redactor.redactQuery(rawQuery);
  let out = '';
  let start = 0;
  while (start <= named.length && out.length < MAX_PATH) {
    let end = named.indexOf('&', start);
    if (end === -1) end = named.length;
    const pair = named.slice(start, end);
    const eq = pair.indexOf('=');
    out += eq === -1 ? safePart(pair) : `${safePart(pair.slice(0, eq))}=${safePart(pair.slice(eq + 1))}`;
    if (end < named.length) out += '&';
    start = end + 1;
  }
  return out.length > MAX_PATH ? `${out.slice(0, MAX_PATH - 1)}…` : out;
}

/** A severity as a number from 1 (informational) to 5 (critical), as OCSF `severity_id` counts. */
export function severityNumber(event: SecurityEventRecord): number {
  switch (event.severity) {
    case 'low':
      return 2;
    case 'medium':
      return 3;
    case 'high':
      return 4;
    case 'critical':
      return 5;
    default:
      return event.outcome === 'denied' ? 3 : 2;
  }
}

/** The one-line human summary of a security event (`message`). */
export function summary(event: SecurityEventRecord): string {
  const what = event.code ?? event.rule ?? 'flag';
  const where =
    event.method !== undefined && event.path !== undefined
      ? ` ${event.method.slice(0, 32)} ${safePath(event.path)}`
      : '';
  return `${event.policy} ${event.outcome}${where}: ${what}`.slice(0, MAX_TEXT);
}
