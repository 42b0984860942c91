// Answering authorization requests (nginx auth_request, Traefik ForwardAuth, Envoy ext_authz): the
// original request is rebuilt from what the proxy sent, routed like any request, and its route's
// request phases run; nothing is proxied. Allowed: 200 with the identity headers. Denied: the
// problem with its headers (WWW-Authenticate, Retry-After), in a status the proxy understands.
import type { ErrorCode } from '../errors/codes.ts';
import { ERROR_CODES } from '../errors/codes.ts';
import { allowHeaders, denialStatus } from '../forward-auth/answer.ts';
import type { ForwardAuthConfig } from '../forward-auth/config.ts';
import {
  isUnder,
  type OriginalRequest,
  originalFromEnvoy,
  originalFromHeaders,
} from '../forward-auth/original.ts';
import { admitBody, BODY_REFUSED } from './admit-body.ts';
import { normalizeTarget } from './normalize-path.ts';
import { runRequestPhase } from './pipeline.ts';
import type { GatewayRequest } from './request.ts';
import { hostOf } from './router.ts';
import { sendProblem, writeAnswer } from './writer.ts';

/** Whether `path` is an authorization request of these settings. */
export function isAuthorizationRequest(settings: ForwardAuthConfig, path: string): boolean {
  return (
    path === settings.path || (settings.envoyPrefix !== undefined && isUnder(path, settings.envoyPrefix))
  );
}

function refuse(
  x: GatewayRequest,
  settings: ForwardAuthConfig,
  code: ErrorCode,
  options: {
    detail?: string | undefined;
    headers?: Readonly<Record<string, string>> | undefined;
    extensions?: Readonly<Record<string, unknown>> | undefined;
  } = {},
): Promise<void> {
  const { status, headers } = denialStatus(settings.statuses, ERROR_CODES[code].status);
  return sendProblem(x, code, { ...options, status, headers: { ...options.headers, ...headers } });
}

/** The original request `x` describes, or the code that refuses it. */
function originalOf(
  x: GatewayRequest,
  settings: ForwardAuthConfig,
  path: string,
  rawQuery: string,
): OriginalRequest | ErrorCode {
  // Only a trusted proxy may ask: X-Original-* and X-Forwarded-* are whatever a client wrote unless a
  // trusted proxy set them, and an allow answer carries what the policies hand the upstream (identity
  // headers, token-shield's upstream credential), never meant for clients.
  if (!x.peerTrusted) return 'RAMPART_FORWARD_AUTH_UNTRUSTED_PEER';
  const original =
    path !== settings.path && settings.envoyPrefix !== undefined
      ? originalFromEnvoy(path, rawQuery, settings.envoyPrefix, x.method, x.headers)
      : originalFromHeaders(x.headers, x.method);
  return original ?? 'RAMPART_FORWARD_AUTH_NO_ORIGINAL';
}

/** Answers the authorization request `x` (its own target normalized to `path` and `rawQuery`). */
export async function answerAuthorization(
  x: GatewayRequest,
  settings: ForwardAuthConfig,
  path: string,
  rawQuery: string,
  expectsContinue: boolean,
): Promise<void> {
  x.annotate('forward_auth', true);
  const original = originalOf(x, settings, path, rawQuery);
  if (typeof original === 'string') return refuse(x, settings, original);
  const target = normalizeTarget(original.uri);
  x.judge(original.method, original.uri, original.secure);
  if (!target.ok) return refuse(x, settings, 'RAMPART_HTTP_BAD_PATH');
  x.path = target.path;
  x.rawQuery = target.rawQuery;

  const match = x.version.router.match(original.method, hostOf(original.host), target.path);
  if (match.kind === 'not-found') return refuse(x, settings, 'RAMPART_ROUTE_NOT_FOUND');
  if (match.kind === 'method-not-allowed')
    return refuse(x, settings, 'RAMPART_ROUTE_METHOD_NOT_ALLOWED', {
      headers: { allow: match.allow.join(', ') },
    });
  x.routeTo(match.value, match.params);
  const { chain } = match.value;
  // Envoy forwards the body when `with_request_body` is on; nginx and Traefik send none.
  if (chain.needsRequestBody && (await admitBody(x, 'buffer', expectsContinue)) === BODY_REFUSED) return;

  const ran = chain.onRequest.length === 0 ? undefined : runRequestPhase(chain, x, x);
  const outcome = ran instanceof Promise ? await ran : ran;
  const verdict = outcome?.deny;
  if (verdict !== undefined) {
    x.policy = outcome?.policy;
    return refuse(x, settings, verdict.code, {
      detail: verdict.detail,
      headers: verdict.headers,
      extensions: verdict.extensions,
    });
  }
  const identity = x.identity;
  const headers = allowHeaders(
    settings.identityHeaders,
    identity === undefined
      ? undefined
      : {
          consumerId: identity.consumerId,
          ...(identity.consumerName === undefined ? {} : { consumerName: identity.consumerName }),
          scopes: identity.scopes,
          method: identity.method,
        },
    x.upstreamEdits,
  );
  writeAnswer(x, 200, headers, Buffer.alloc(0));
}
