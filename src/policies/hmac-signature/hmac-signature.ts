// hmac-signature behaviour: HTTP Message Signatures (RFC 9421) with hmac-sha256 or ed25519 keys per
// consumer, covering the configured components, the body's Content-Digest (RFC 9530) and `created`;
// replays are refused within the window (each signature is accepted once, through the state).
import { createHash, createHmac, timingSafeEqual, verify } from 'node:crypto';
import {
  type AuthnMethod,
  alreadyIdentified,
  establish,
  missingCredential,
  refuse,
  unavailable,
} from '../../identity/authn.ts';
import { parseDuration } from '../../lib/durations.ts';
import { createMemoryState } from '../../state/memory.ts';
import type { StateStore } from '../../state/state.ts';
import {
  CONTINUE,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { HmacSignatureConfig } from './config.ts';
import { createKeyLookup, type SigningKey } from './key-lookup.ts';
import { signatureBase } from './signature-base.ts';
import { parseDictionary, type SfMember } from './structured-fields.ts';

const LOCATION = 'header.signature';

/** Builds the handlers; throws at load on an unreadable key, a short secret, or no key source at all. */
export function createHmacSignature(config: HmacSignatureConfig, deps: PolicyDeps): PolicyHandlers {
  if (config.keys.length === 0 && deps.store === undefined) {
    throw new Error('hmac-signature needs keys: list them under `keys:` or add a `store:` section');
  }
  const keys = createKeyLookup({
    keys: config.keys,
    baseDir: deps.baseDir,
    store: deps.store,
    state: deps.state,
    cacheTtlMs: parseDuration(config.cacheTtl),
    cacheSize: config.cacheSize,
  });
  const maxAgeMs = parseDuration(config.maxAge);
  const skewMs = parseDuration(config.clockSkew);
  const own = deps.state === undefined ? createMemoryState({ clock: deps.clock }) : undefined;
  const state: StateStore = deps.state ?? own!;
  const method: AuthnMethod = {
    method: 'hmac-signature',
    challenge: 'Signature realm="rampart"',
    location: LOCATION,
  };
  const failure = (ctx: PolicyContext, rule: string, reason: string, keyId?: string) =>
    refuse(ctx, method, { rule, reason, ...(keyId === undefined ? {} : { credentialId: `keyid:${keyId}` }) });

  const check = (
    ctx: PolicyContext,
    key: SigningKey,
    input: SfMember,
    signature: Buffer,
  ): MaybePromise<Verdict> => {
    const fail = (rule: string, reason: string) => failure(ctx, rule, reason, key.id);
    const now = ctx.clock.now();
    // A revocation takes effect when recorded, whatever the clocks of the CLI and the gateway say.
    if (key.revokedAt !== undefined) return fail('revoked', `key ${key.id} revoked`);
    if (!key.consumerEnabled) return fail('consumer-disabled', `consumer of key ${key.id} disabled`);
    const alg = input.params.get('alg');
    if (alg !== undefined && alg !== key.algorithm)
      return fail('algorithm', `alg ${String(alg)} does not fit key ${key.id}`);
    const created = input.params.get('created');
    if (typeof created !== 'number') return fail('no-created', 'signature without created');
    if (created * 1000 > now + skewMs) return fail('created-in-future', 'signature created in the future');
    if (created * 1000 < now - maxAgeMs) return fail('expired', 'signature older than maxAge');
    const expires = input.params.get('expires');
    if (typeof expires === 'number' && expires * 1000 < now) return fail('expired', 'signature expired');
    const covered = new Set(input.items);
    const hasBody = (ctx.body?.length ?? 0) > 0 || (ctx.contentLength ?? 0) > 0;
    for (const component of [...config.components, ...(hasBody ? ['content-digest'] : [])]) {
      if (!covered.has(component)) return fail('uncovered', `signature does not cover ${component}`);
    }
    if (covered.has('content-digest') && !digestMatches(ctx))
      return fail('digest', 'content-digest does not match the body');
    const base = signatureBase(ctx, input.items ?? [], input.raw);
    if (base === undefined) return fail('missing-component', 'a covered component is missing');
    const valid =
      key.secret !== undefined
        ? timingSafeEqual(
            createHmac('sha256', key.secret).update(base).digest(),
            signature.length === 32 ? signature : Buffer.alloc(32),
          ) && signature.length === 32
        : verify(null, Buffer.from(base), key.publicKey!, signature);
    if (!valid) return fail('signature', 'signature does not verify');
    // A valid signature is accepted once: the state's atomic add-if-below-max is the replay check.
    const replayKey = `sig:${createHash('sha256').update(signature).digest('base64url')}`;
    const accept = (result: { applied: boolean }): Verdict =>
      result.applied
        ? establish(ctx, key.identity, config, `keyid:${key.id}`)
        : fail('replay', 'signature already used');
    const applied = state.tryIncrement(replayKey, maxAgeMs + skewMs, 1, 1);
    return applied instanceof Promise ? applied.then(accept) : accept(applied);
  };

  const verdictFor = (ctx: PolicyContext): MaybePromise<Verdict> => {
    const inputs = parseDictionary(
      typeof ctx.headers['signature-input'] === 'string' ? ctx.headers['signature-input'] : undefined,
    );
    const signatures = parseDictionary(
      typeof ctx.headers.signature === 'string' ? ctx.headers.signature : undefined,
    );
    if (inputs === undefined || signatures === undefined || inputs.size === 0)
      return failure(ctx, 'malformed', 'unparsable signature fields');
    const [label, input] = inputs.entries().next().value!;
    const signature = signatures.get(label)?.bytes;
    if (input.items === undefined || signature === undefined)
      return failure(ctx, 'malformed', `no signature for label ${label}`);
    const keyId = input.params.get('keyid');
    if (typeof keyId !== 'string') return failure(ctx, 'unknown-key', 'signature without keyid');
    const found = keys.find(keyId, ctx.clock.now());
    const decide = (key: SigningKey | null): MaybePromise<Verdict> =>
      key === null
        ? failure(ctx, 'unknown-key', `unknown keyid ${keyId.slice(0, 64)}`)
        : check(ctx, key, input, signature);
    if (!(found instanceof Promise)) return decide(found);
    return found.then(decide, (error: unknown) =>
      unavailable(ctx, `identity store lookup failed: ${(error as Error).message}`, LOCATION),
    );
  };

  return {
    requestBodyLimit: config.maxBodyBytes,
    onRequest(ctx: PolicyContext): MaybePromise<Verdict> {
      if (alreadyIdentified(ctx, config, undefined)) return CONTINUE;
      if (ctx.headers.signature === undefined && ctx.headers['signature-input'] === undefined) {
        return missingCredential(ctx, config, method);
      }
      return verdictFor(ctx);
    },
    async close() {
      keys.close();
      await own?.close();
    },
  };
}

/** RFC 9530: every supported digest in Content-Digest must match the body (sha-256, sha-512). */
function digestMatches(ctx: PolicyContext): boolean {
  const field = ctx.headers['content-digest'];
  const digests = parseDictionary(typeof field === 'string' ? field : undefined);
  if (digests === undefined) return false;
  const body = ctx.body ?? Buffer.alloc(0);
  let checked = 0;
  for (const [algorithm, member] of digests) {
    const name = algorithm === 'sha-256' ? 'sha256' : algorithm === 'sha-512' ? 'sha512' : undefined;
    if (name === undefined || member.bytes === undefined) continue;
    const actual = createHash(name).update(body).digest();
    if (actual.length !== member.bytes.length || !timingSafeEqual(actual, member.bytes)) return false;
    checked++;
  }
  return checked > 0;
}
