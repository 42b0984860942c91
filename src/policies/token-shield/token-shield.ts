// token-shield behaviour (the phantom-token pattern): the upstream's own token never reaches clients.
// `issue` swaps it in the login answer for an opaque reference kept on the shared state; `accept`
// turns a reference back into the upstream token on the way in (anything else is refused before the
// upstream, so a token forged with the upstream's weak key never reaches it); `revoke` drops the
// reference everywhere. Neither a reference nor a token is ever logged.
import { decodeJwt } from 'jose';
import {
  type AuthnMethod,
  alreadyIdentified,
  establish,
  missingCredential,
  refuse,
  singleHeader,
  unavailable,
} from '../../identity/authn.ts';
import { bearerToken, MAX_BEARER_LENGTH } from '../../identity/bearer.ts';
import { type ClaimMapping, identityFromClaims } from '../../identity/claims.ts';
import { announceCredentialRevoked } from '../../identity/credential-revocations.ts';
import { createExpiringLru } from '../../identity/lru.ts';
import { parseDuration } from '../../lib/durations.ts';
import { jsonOf, replaceJson } from '../../openapi/json-body.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { StateStore } from '../../state/state.ts';
import {
  CONTINUE,
  deny,
  type Identity,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { TokenShieldConfig } from './config.ts';
import { isReference, newReference, referenceHash, seal, stateKeyOf, unseal } from './references.ts';

/** The claims of a JWT, read without verifying it (the gateway saw the upstream issue it). */
function claimsOf(token: string): Record<string, unknown> | undefined {
  if (token.split('.', 4).length !== 3) return undefined;
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The object holding the member at `path` and that member's name, or undefined. */
function holderOf(
  value: unknown,
  path: readonly string[],
): { holder: Record<string, unknown>; key: string } | undefined {
  let current = value;
  for (let i = 0; i < path.length - 1; i++) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, path[i]!)) return undefined;
    current = (current as Record<string, unknown>)[path[i]!];
  }
  if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
  const key = path.at(-1)!;
  return Object.hasOwn(current, key) ? { holder: current as Record<string, unknown>, key } : undefined;
}

function isJsonType(contentType: string | string[] | undefined): boolean {
  if (contentType === undefined) return true;
  const value = (Array.isArray(contentType) ? contentType[0]! : contentType).toLowerCase();
  const essence = value.split(';', 1)[0]!.trim();
  return essence === 'application/json' || essence.endsWith('+json');
}

/** Builds the handlers of one role. */
export function createTokenShield(config: TokenShieldConfig, deps: PolicyDeps): PolicyHandlers {
  const own = deps.state === undefined ? createMemoryState({ clock: deps.clock }) : undefined;
  const state: StateStore = deps.state ?? own!;
  const ttlMs = parseDuration(config.ttl);
  if (ttlMs < 1000) throw new Error('ttl: at least 1s');
  const close = async () => {
    await own?.close();
  };
  if (config.role === 'issue') return { ...issueHandlers(config, state, ttlMs), close };
  return { ...presentHandlers(config, deps, state, config.role === 'revoke'), close };
}

function issueHandlers(config: TokenShieldConfig, state: StateStore, ttlMs: number): PolicyHandlers {
  const path = config.tokenPath.split('.').slice(1);
  const location = `response.${config.tokenPath}`;
  return {
    needs: { requestBody: false, responseBody: true },
    onRequest(ctx: PolicyContext): Verdict {
      // The answer must arrive uncompressed to be rewritten (RFC 9110 §12.5.3).
      ctx.removeUpstreamHeader('accept-encoding');
      return CONTINUE;
    },
    async onResponse(ctx: PolicyContext): Promise<Verdict> {
      const response = ctx.response;
      if (response === undefined || response.local || response.status < 200 || response.status > 299)
        return CONTINUE;
      if (!isJsonType(response.headers['content-type'])) return CONTINUE;
      const encoding = response.headers['content-encoding'];
      const encoded = encoding !== undefined && String(encoding).toLowerCase() !== 'identity';
      if (response.bodyTooLarge === true || encoded) {
        // A login answer that cannot be read could carry the upstream token: never let it through.
        return deny('RAMPART_RESPONSE_UNINSPECTABLE', {
          rule: encoded ? 'encoded-body' : 'body-too-large',
          location,
          reason: 'token-shield cannot read the login answer',
        });
      }
      const body = response.body;
      if (body === undefined || body.length === 0) return CONTINUE;
      const parsed = jsonOf(body);
      if (!parsed.ok) return CONTINUE;
      const found = holderOf(parsed.value, path);
      const token = found?.holder[found.key];
      // No token where the login answer carries it: a failed login (many APIs answer 200 with an error).
      if (found === undefined || typeof token !== 'string' || token === '') return CONTINUE;
      if (token.length > MAX_BEARER_LENGTH) {
        return deny('RAMPART_RESPONSE_UNINSPECTABLE', {
          rule: 'token-too-long',
          location,
          reason: 'the upstream token is longer than token-shield keeps',
        });
      }
      const now = ctx.clock.now();
      const exp = claimsOf(token)?.exp;
      // Never past the upstream token's own expiry (RFC 7519 §4.1.4).
      const expiresAt = typeof exp === 'number' ? Math.min(now + ttlMs, exp * 1000) : now + ttlMs;
      const reference = newReference();
      const hash = referenceHash(reference);
      try {
        await state.set(
          stateKeyOf(hash),
          seal(reference, { token, expiresAt }),
          Math.max(1, expiresAt - now),
        );
      } catch (error) {
        return unavailable(ctx, `token-shield state unavailable: ${(error as Error).message}`, location);
      }
      found.holder[found.key] = reference;
      response.body = replaceJson(body, parsed.value);
      ctx.annotate('tokenShield', 'issued');
      return CONTINUE;
    },
  };
}

/** A reference opened once on this instance: its sealed value (to compare), its identity and token. */
interface OpenedReference {
  readonly sealed: string;
  readonly expiresAt: number;
  readonly identity: Identity;
  readonly upstreamCredential: { readonly header: string; readonly value: string };
}

const OPENED_CACHE_SIZE = 10_000;

function presentHandlers(
  config: TokenShieldConfig,
  deps: PolicyDeps,
  state: StateStore,
  revoke: boolean,
): PolicyHandlers {
  const header = config.header;
  const method: AuthnMethod = {
    method: 'token-shield',
    challenge: `Bearer realm="${config.realm}"`,
    location: `header.${header}`,
  };
  const invalid = `Bearer realm="${config.realm}", error="invalid_token"`;
  const mapping: ClaimMapping = {
    consumerClaim: config.consumerClaim,
    nameClaim: config.nameClaim,
    scopeClaims: [...config.scopeClaims, ...config.roleClaims],
  };
  const bearer = header === 'authorization';
  const refused = (ctx: PolicyContext, rule: string, reason: string, credentialId?: string) =>
    refuse(ctx, method, {
      rule,
      reason,
      challenge: invalid,
      ...(credentialId === undefined ? {} : { credentialId }),
    });

  // What a reference opened to, per instance: opening (HKDF and AES-GCM) costs ~100 µs, a lookup
  // nothing. The shared state is still read on every request and must hold the very same sealed value,
  // so a revocation or expiry anywhere refuses the reference here at once.
  const opened = createExpiringLru<OpenedReference>(OPENED_CACHE_SIZE);
  const openEntry = (
    reference: string,
    hash: string,
    stored: string,
    credentialId: string,
  ): OpenedReference | undefined => {
    const known = opened.get(hash, deps.clock.now());
    if (known !== undefined && known.sealed === stored) return known;
    const shielded = unseal(reference, stored);
    if (shielded === undefined) return undefined;
    const claims = claimsOf(shielded.token);
    const identity: Identity = (claims === undefined
      ? undefined
      : identityFromClaims(claims, mapping, 'token-shield')) ?? {
      consumerId: credentialId,
      scopes: [],
      method: 'token-shield',
    };
    const value = bearer ? `Bearer ${shielded.token}` : shielded.token;
    const entry: OpenedReference = {
      sealed: stored,
      expiresAt: shielded.expiresAt,
      identity,
      upstreamCredential: { header, value },
    };
    opened.set(hash, entry, shielded.expiresAt);
    return entry;
  };

  return {
    async onRequest(ctx: PolicyContext): Promise<Verdict> {
      if (alreadyIdentified(ctx, config, header)) return CONTINUE;
      const presented = singleHeader(ctx, header);
      if (presented.repeated) return refused(ctx, 'malformed', `repeated ${header} header`);
      const credential = bearer ? bearerToken(presented.value) : presented.value?.trim() || undefined;
      if (credential === undefined) {
        if (presented.value !== undefined && presented.value.trim() !== '')
          return refused(ctx, 'malformed', `${header} is not a Bearer credential`);
        return missingCredential(ctx, config, method);
      }
      if (!isReference(credential)) {
        // A raw upstream token (perhaps forged with its key) or anything else: never forwarded.
        return refused(ctx, 'not-a-reference', 'a credential that is not a token-shield reference');
      }
      const hash = referenceHash(credential);
      const credentialId = `rst:${hash.slice(0, 12)}`;
      let stored: string | undefined;
      try {
        stored = await state.get(stateKeyOf(hash));
        if (revoke && stored !== undefined) {
          await state.delete(stateKeyOf(hash));
          await announceCredentialRevoked(state, hash);
        }
      } catch (error) {
        return unavailable(
          ctx,
          `token-shield state unavailable: ${(error as Error).message}`,
          method.location,
        );
      }
      if (stored === undefined) {
        opened.delete(hash);
        return refused(ctx, 'unknown', 'unknown or revoked reference', credentialId);
      }
      const entry = openEntry(credential, hash, stored, credentialId);
      if (entry === undefined) return refused(ctx, 'unknown', 'unknown or revoked reference', credentialId);
      if (entry.expiresAt <= ctx.clock.now())
        return refused(ctx, 'expired', 'reference expired', credentialId);
      if (revoke) opened.delete(hash);
      const { identity, upstreamCredential } = entry;
      ctx.setUpstreamHeader(header, upstreamCredential.value);
      if (revoke) ctx.annotate('tokenShield', 'revoked');
      return establish(ctx, { ...identity, upstreamCredential }, config, credentialId);
    },
  };
}
