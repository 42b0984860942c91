// Builds findings: the check's category, redacted request/response excerpts, and a curl command
// that reproduces the decisive request with credentials left as shell variables.
import { redactBody, redactHeader } from './redact.ts';
import type { Evidence, Exchange, Finding, Severity } from './types.ts';

/** What a check declares about the weakness it looks for. */
export interface CheckMeta {
  readonly id: string;
  readonly title: string;
  readonly owasp: string;
  readonly cwe: number;
}

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'x-api-key', 'proxy-authorization']);
const SHOWN_RESPONSE_HEADERS =
  /^(content-type|location|server|x-powered-by|access-control-.*|www-authenticate|retry-after|strict-transport-security)$/;

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A curl command for an exchange; secret header values become `$RAMPART_<NAME>` variables. */
export function curlOf(exchange: Exchange): string {
  const parts = ['curl', '-i', '-X', exchange.method, shellQuote(exchange.url)];
  for (const [name, value] of Object.entries(exchange.requestHeaders)) {
    if (SECRET_HEADERS.has(name.toLowerCase())) {
      const variable = `RAMPART_${name.toUpperCase().replaceAll('-', '_')}`;
      parts.push('-H', `"${name}: $${variable}"`);
    } else parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (exchange.requestBody !== undefined)
    parts.push('--data-raw', shellQuote(redactBody(exchange.requestBody, 4000)));
  return parts.join(' ');
}

/** Redacted request and response excerpts of an exchange. */
export function evidenceOf(note: string, exchange: Exchange): Evidence {
  const url = new URL(exchange.url);
  const request = [`${exchange.method} ${url.pathname}${url.search}`];
  for (const [name, value] of Object.entries(exchange.requestHeaders))
    request.push(`${name}: ${redactHeader(name, value)}`);
  if (exchange.requestBody !== undefined) request.push('', redactBody(exchange.requestBody));
  const response = [`${exchange.status} (${Math.round(exchange.ms)} ms)`];
  for (const [name, value] of Object.entries(exchange.responseHeaders)) {
    if (SHOWN_RESPONSE_HEADERS.test(name)) response.push(`${name}: ${redactHeader(name, value)}`);
  }
  if (exchange.body !== '') response.push('', redactBody(exchange.body));
  return { note, request: request.join('\n'), response: response.join('\n') };
}

/** The details a check gives for one finding. */
export interface FindingDetails {
  readonly title?: string;
  readonly severity: Severity;
  readonly operation: string;
  readonly description: string;
  /** The exchange that proves it (its curl command is the reproduction). */
  readonly proof: Exchange;
  /** More evidence: notes with or without exchanges. */
  readonly evidence?: readonly (Evidence | [string, Exchange])[];
  readonly owasp?: string;
  readonly cwe?: number;
  /** Response members the finding is about. */
  readonly members?: readonly string[];
}

/** Builds a finding of a check. */
export function makeFinding(meta: CheckMeta, details: FindingDetails): Finding {
  const evidence = (details.evidence ?? []).map((item) =>
    Array.isArray(item) ? evidenceOf(item[0], item[1]) : item,
  );
  return {
    check: meta.id,
    title: details.title ?? meta.title,
    severity: details.severity,
    owasp: details.owasp ?? meta.owasp,
    cwe: details.cwe ?? meta.cwe,
    operation: details.operation,
    description: details.description,
    evidence: evidence.length > 0 ? evidence : [evidenceOf('decisive request', details.proof)],
    curl: curlOf(details.proof),
    ...(details.members === undefined ? {} : { members: details.members }),
  };
}
