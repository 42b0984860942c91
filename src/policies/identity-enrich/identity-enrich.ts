// identity-enrich behaviour: for an identified caller, ask the configured upstream operation (with the
// caller's own credential), keep the configured members of its JSON answer as `identity.enriched`, and
// cache them per credential (SHA-256; bounded LRU, TTL, dropped when the credential or any JWT is
// revoked). Calls go through the runtime's `fetch` (src/identity/http-json.ts): policies never import
// undici, and a cached lookup is off the proxy path.
import { singleHeader, unavailable } from '../../identity/authn.ts';
import { bearerToken } from '../../identity/bearer.ts';
import { claimAt } from '../../identity/claims.ts';
import { credentialHash, onCredentialRevoked } from '../../identity/credential-revocations.ts';
import { callJson } from '../../identity/http-json.ts';
import { createExpiringLru } from '../../identity/lru.ts';
import { TOKEN_REVOCATION_CHANNEL } from '../../identity/token-revocations.ts';
import { parseDuration } from '../../lib/durations.ts';
import {
  CONTINUE,
  type Identity,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { IdentityEnrichConfig } from './config.ts';
import { compilePathTemplate } from './path-template.ts';

const MAX_ANSWER_BYTES = 64 * 1024;
/** How long an answer that told nothing (not 2xx, not a JSON object) is reused. */
const EMPTY_ANSWER_TTL_MS = 5000;
const NOTHING: Readonly<Record<string, unknown>> = Object.freeze({});

function trimSlashes(base: string): string {
  let end = base.length;
  while (end > 0 && base.charCodeAt(end - 1) === 47) end--;
  return base.slice(0, end);
}

/** Builds the handlers; throws at load on a bad path template, clashing members or an unknown upstream. */
export function createIdentityEnrich(config: IdentityEnrichConfig, deps: PolicyDeps): PolicyHandlers {
  const template = compilePathTemplate(config.path);
  const members = config.members.map((path) => ({ path, name: path.slice(path.lastIndexOf('.') + 1) }));
  const names = new Set(members.map((member) => member.name));
  if (names.size !== members.length) throw new Error('members: two members end in the same name');
  const configured = config.upstream;
  const isUrl =
    configured !== undefined && (configured.startsWith('http://') || configured.startsWith('https://'));
  if (configured !== undefined && !isUrl && deps.upstreams !== undefined && !(configured in deps.upstreams)) {
    throw new Error(`upstream: no upstream named "${configured}"`);
  }
  const baseOf = (ctx: PolicyContext): string | undefined => {
    if (isUrl) return configured;
    const name = configured ?? ctx.route.upstream;
    return deps.upstreams !== undefined && Object.hasOwn(deps.upstreams, name)
      ? deps.upstreams[name]
      : undefined;
  };
  const cacheTtl = parseDuration(config.cacheTtl);
  const timeoutMs = parseDuration(config.timeout);
  const cache = createExpiringLru<Readonly<Record<string, unknown>>>(config.cacheSize);
  const inflight = new Map<string, Promise<Readonly<Record<string, unknown>>>>();
  const stopCredentials = onCredentialRevoked(deps.state, (hash) => cache.delete(hash));
  // A JWT revocation names a jti or a subject, not a credential hash: forget every answer (rare).
  const stopTokens = deps.state?.subscribe(TOKEN_REVOCATION_CHANNEL, () => cache.clear());
  const location = `header.${config.header}`;
  let warnedOrder = false;

  const pick = (json: unknown): Readonly<Record<string, unknown>> | undefined => {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
    const enriched: Record<string, unknown> = {};
    for (const member of members) {
      const value = claimAt(json as Record<string, unknown>, member.path);
      if (value !== undefined) enriched[member.name] = value;
    }
    return Object.freeze(enriched);
  };

  const ask = async (
    url: string,
    credential: string | undefined,
    key: string,
    now: number,
  ): Promise<Readonly<Record<string, unknown>>> => {
    const answer = await callJson(url, {
      method: config.method,
      headers: {
        accept: 'application/json',
        ...(credential === undefined ? {} : { [config.header]: credential }),
      },
      timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
    });
    const ok = answer.status >= 200 && answer.status <= 299;
    const enriched = ok ? pick(answer.json) : undefined;
    // An answer that says nothing (404, 401, not JSON) is remembered briefly, so it is not asked per request.
    cache.set(
      key,
      enriched ?? NOTHING,
      now + (enriched === undefined ? Math.min(cacheTtl, EMPTY_ANSWER_TTL_MS) : cacheTtl),
    );
    return enriched ?? NOTHING;
  };

  const apply = (
    ctx: PolicyContext,
    identity: Identity,
    enriched: Readonly<Record<string, unknown>>,
  ): Verdict => {
    ctx.identity = { ...identity, enriched };
    ctx.annotate('enriched', Object.keys(enriched).length);
    return CONTINUE;
  };

  return {
    onRequest(ctx: PolicyContext): MaybePromise<Verdict> {
      const identity = ctx.identity;
      // Nobody identified (a public route, or placed before the authn methods): nothing to ask about.
      if (identity === undefined) {
        if (!warnedOrder && ctx.authn.attempts.length === 0) {
          // No authn method ran before it: if the route has one, it comes later in config order (a
          // `defaults` block comes before a route's own), and enrichment never happens.
          warnedOrder = true;
          deps.log.warn(
            { route: ctx.route.name },
            'identity-enrich ran before any authentication method; place it after them (in the route block)',
          );
        }
        return CONTINUE;
      }
      const presented = singleHeader(ctx, config.header).value;
      const token = bearerToken(presented) ?? presented;
      const key =
        token === undefined
          ? `id:${credentialHash(`${identity.method}\n${identity.consumerId}`)}`
          : credentialHash(token);
      const cached = cache.get(key, ctx.clock.now());
      if (cached !== undefined) return apply(ctx, identity, cached);
      const path = template.expand(identity.claims ?? {});
      const base = baseOf(ctx);
      if (path === undefined) {
        ctx.log.debug({ requestId: ctx.requestId }, 'identity-enrich: a path claim is missing; not enriched');
        return CONTINUE;
      }
      if (base === undefined)
        return unavailable(ctx, 'identity-enrich: the upstream URL is not known', location);
      const own = identity.upstreamCredential;
      const credential = !config.forwardCredential
        ? undefined
        : own !== undefined && own.header === config.header
          ? own.value
          : presented;
      let pending = inflight.get(key);
      if (pending === undefined) {
        pending = ask(trimSlashes(base) + path, credential, key, ctx.clock.now()).finally(() =>
          inflight.delete(key),
        );
        inflight.set(key, pending);
      }
      return pending.then(
        (enriched) => apply(ctx, identity, enriched),
        (error: unknown) => unavailable(ctx, `identity-enrich: ${(error as Error).message}`, location),
      );
    },
    close() {
      stopCredentials();
      stopTokens?.();
    },
  };
}
