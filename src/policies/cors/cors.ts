// cors behaviour: preflights (OPTIONS with Access-Control-Request-Method) answered 204 by the gateway
// or refused 403; on every other answer the upstream's Access-Control-* headers are replaced by the
// gateway's, set only for an allowed origin, with `Vary: Origin` so caches keep answers apart.
import { compileOriginList } from '../../lib/origin-list.ts';
import {
  CONTINUE,
  deny,
  type HeaderMap,
  type PolicyContext,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { CorsConfig } from './config.ts';

/** What onRequest leaves for onResponse on the same request. */
interface CorsState {
  /** The allowed origin to answer to, or undefined. */
  origin: string | undefined;
  preflight: boolean;
}

// Fetch standard §4.8: request headers a browser never asks a preflight about.
const SAFELISTED = new Set(['accept', 'accept-language', 'content-language']);

const UPSTREAM_CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
] as const;

function appendVary(headers: HeaderMap, name: string): void {
  const current = headers.vary;
  const text = Array.isArray(current) ? current.join(', ') : (current ?? '');
  if (text === '') headers.vary = name;
  else if (
    text.trim() !== '*' &&
    !text
      .toLowerCase()
      .split(',')
      .some((token) => token.trim() === 'origin')
  )
    headers.vary = `${text}, ${name}`;
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Compiles the lists once; per request a header read, a set lookup or two, and a few header writes. */
export function createCors(config: CorsConfig): PolicyHandlers<CorsState> {
  const origins = compileOriginList(config.origins);
  if (origins.any && config.credentials)
    throw new Error(
      'origins "*" with credentials would let every site read answers with the user\'s cookies',
    );
  const methods = new Set(config.methods);
  const headers = new Set(config.headers.map((name) => name.toLowerCase()));
  const allowMethods = config.methods.join(', ');
  const allowHeaders = config.headers.map((name) => name.toLowerCase()).join(', ');
  const expose = config.exposeHeaders.join(', ');
  // With `*` and no credentials the answer is the same for every origin.
  const wildcard = origins.any && !config.credentials;

  const refuse = (rule: string, reason: string): Verdict =>
    deny('RAMPART_CORS_REFUSED', {
      rule,
      reason,
      location: `header.${rule === 'origin' ? 'origin' : `access-control-request-${rule}`}`,
    });

  const preflight = (ctx: PolicyContext, state: CorsState, origin: string, method: string): Verdict => {
    if (!origins.allows(origin)) return refuse('origin', `origin ${origin.slice(0, 100)} not allowed`);
    if (!methods.has(method)) return refuse('method', `method ${method.slice(0, 32)} not allowed`);
    const requested = single(ctx.headers['access-control-request-headers']) ?? '';
    for (const raw of requested.split(',')) {
      const name = raw.trim().toLowerCase();
      if (name !== '' && !headers.has(name) && !SAFELISTED.has(name))
        return refuse('headers', `header ${name.slice(0, 64)} not allowed`);
    }
    state.preflight = true;
    state.origin = origin;
    const answer: Record<string, string> = {
      'access-control-allow-origin': wildcard ? '*' : origin,
      'access-control-allow-methods': allowMethods,
      'access-control-max-age': String(config.maxAge),
    };
    if (allowHeaders !== '') answer['access-control-allow-headers'] = allowHeaders;
    if (config.credentials) answer['access-control-allow-credentials'] = 'true';
    return deny('RAMPART_CORS_PREFLIGHT', { answer: true, headers: answer });
  };

  return {
    requestState: () => ({ origin: undefined, preflight: false }),
    onRequest(ctx, state) {
      const origin = single(ctx.headers.origin);
      if (origin === undefined || state === undefined) return CONTINUE;
      const requestedMethod = single(ctx.headers['access-control-request-method']);
      if (ctx.method === 'OPTIONS' && requestedMethod !== undefined)
        return preflight(ctx, state, origin, requestedMethod);
      if (origins.allows(origin)) state.origin = origin;
      return CONTINUE;
    },
    onResponse(ctx, state) {
      const response = ctx.response;
      if (response === undefined || state === undefined) return CONTINUE;
      const out = response.headers;
      if (!wildcard) appendVary(out, 'Origin');
      if (state.preflight) {
        // RFC 9110 §15.3.5: a 204 has no content, so no Content-Type or Content-Length either.
        response.body = undefined;
        delete out['content-type'];
        delete out['content-length'];
        return CONTINUE;
      }
      for (const name of UPSTREAM_CORS_HEADERS) delete out[name];
      if (state.origin === undefined) return CONTINUE;
      out['access-control-allow-origin'] = wildcard ? '*' : state.origin;
      if (config.credentials) out['access-control-allow-credentials'] = 'true';
      if (expose !== '') out['access-control-expose-headers'] = expose;
      return CONTINUE;
    },
  };
}
