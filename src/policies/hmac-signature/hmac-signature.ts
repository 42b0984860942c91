// hmac-signature behaviour: HTTP Message Signatures (RFC 9421) with hmac-sha256 or ed25519 keys per
// consumer, covering the configured components, the body's Content-Digest (RFC 9530) and `created`;
// replays are refused within the window (each signature is accepted once, through the state).
import {
  createHash,
  createHmac,
  createPublicKey,
  type KeyObject,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { alreadyIdentified, establish, missingCredential, refuse } from '../../identity/authn.ts';
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
import type { HmacSignatureConfig, SigningKeyConfig } from './config.ts';
import { signatureBase } from './signature-base.ts';
import { parseDictionary } from './structured-fields.ts';

interface SigningKey {
  readonly config: SigningKeyConfig;
  readonly secret: Buffer | undefined;
  readonly publicKey: KeyObject | undefined;
}

const LOCATION = 'header.signature';
const MIN_HMAC_SECRET_BYTES = 32;

function resolveSecret(ref: string, baseDir: string): Buffer {
  if (ref.startsWith('env:')) {
    const value = process.env[ref.slice(4)];
    if (value === undefined || value === '') throw new Error(`${ref} is not set`);
    return Buffer.from(value, 'utf8');
  }
  return Buffer.from(readFileSync(resolve(baseDir, ref.slice(5)), 'utf8').replace(/\r?\n$/, ''), 'utf8');
}

function loadKey(key: SigningKeyConfig, baseDir: string): SigningKey {
  if (key.algorithm === 'hmac-sha256') {
    if (key.secret === undefined) throw new Error(`key ${key.id}: hmac-sha256 needs secret`);
    const secret = resolveSecret(key.secret, baseDir);
    if (secret.length < MIN_HMAC_SECRET_BYTES)
      throw new Error(`key ${key.id}: the secret needs at least 32 bytes`);
    return { config: key, secret, publicKey: undefined };
  }
  if (key.publicKey === undefined) throw new Error(`key ${key.id}: ed25519 needs publicKey`);
  const publicKey = createPublicKey(readFileSync(resolve(baseDir, key.publicKey)));
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`key ${key.id}: not an ed25519 public key`);
  return { config: key, secret: undefined, publicKey };
}

/** Builds the handlers; throws at load on an unreadable key or a short secret. */
export function createHmacSignature(config: HmacSignatureConfig, deps: PolicyDeps): PolicyHandlers {
  const keys = new Map(config.keys.map((key) => [key.id, loadKey(key, deps.baseDir)]));
  const maxAgeMs = parseDuration(config.maxAge);
  const skewMs = parseDuration(config.clockSkew);
  const own = deps.state === undefined ? createMemoryState({ clock: deps.clock }) : undefined;
  const state: StateStore = deps.state ?? own!;
  const challenge = 'Signature realm="rampart"';

  const verdictFor = (ctx: PolicyContext): MaybePromise<Verdict> => {
    const fail = (rule: string, reason: string, keyId?: string) =>
      refuse(ctx, {
        rule,
        reason,
        challenge,
        location: LOCATION,
        ...(keyId === undefined ? {} : { credentialId: `keyid:${keyId}` }),
      });
    const inputs = parseDictionary(
      typeof ctx.headers['signature-input'] === 'string' ? ctx.headers['signature-input'] : undefined,
    );
    const signatures = parseDictionary(
      typeof ctx.headers.signature === 'string' ? ctx.headers.signature : undefined,
    );
    if (inputs === undefined || signatures === undefined || inputs.size === 0)
      return fail('malformed', 'unparsable signature fields');
    const [label, input] = inputs.entries().next().value!;
    const signature = signatures.get(label)?.bytes;
    if (input.items === undefined || signature === undefined)
      return fail('malformed', `no signature for label ${label}`);
    const keyId = input.params.get('keyid');
    const key = typeof keyId === 'string' ? keys.get(keyId) : undefined;
    if (key === undefined) return fail('unknown-key', `unknown keyid ${String(keyId).slice(0, 64)}`);
    const alg = input.params.get('alg');
    if (alg !== undefined && alg !== key.config.algorithm)
      return fail('algorithm', `alg ${String(alg)} does not fit key ${key.config.id}`, key.config.id);
    const created = input.params.get('created');
    const now = ctx.clock.now();
    if (typeof created !== 'number') return fail('no-created', 'signature without created', key.config.id);
    if (created * 1000 > now + skewMs)
      return fail('created-in-future', 'signature created in the future', key.config.id);
    if (created * 1000 < now - maxAgeMs) return fail('expired', 'signature older than maxAge', key.config.id);
    const expires = input.params.get('expires');
    if (typeof expires === 'number' && expires * 1000 < now)
      return fail('expired', 'signature expired', key.config.id);
    const covered = new Set(input.items);
    const hasBody = (ctx.body?.length ?? 0) > 0 || (ctx.contentLength ?? 0) > 0;
    for (const component of [...config.components, ...(hasBody ? ['content-digest'] : [])]) {
      if (!covered.has(component))
        return fail('uncovered', `signature does not cover ${component}`, key.config.id);
    }
    if (covered.has('content-digest') && !digestMatches(ctx))
      return fail('digest', 'content-digest does not match the body', key.config.id);
    const base = signatureBase(ctx, input.items, input.raw);
    if (base === undefined) return fail('missing-component', 'a covered component is missing', key.config.id);
    const valid =
      key.secret !== undefined
        ? timingSafeEqual(
            createHmac('sha256', key.secret).update(base).digest(),
            signature.length === 32 ? signature : Buffer.alloc(32),
          ) && signature.length === 32
        : verify(null, Buffer.from(base), key.publicKey!, signature);
    if (!valid) return fail('signature', 'signature does not verify', key.config.id);
    // A valid signature is accepted once: the state's atomic add-if-below-max is the replay check.
    const replayKey = `sig:${createHash('sha256').update(signature).digest('base64url')}`;
    const accept = (result: { applied: boolean }): Verdict =>
      result.applied
        ? establish(
            ctx,
            {
              consumerId: key.config.consumer,
              consumerName: key.config.consumer,
              scopes: key.config.roles,
              method: 'hmac-signature',
            },
            config,
          )
        : fail('replay', 'signature already used', key.config.id);
    const applied = state.tryIncrement(replayKey, maxAgeMs + skewMs, 1, 1);
    return applied instanceof Promise ? applied.then(accept) : accept(applied);
  };

  return {
    needs: { requestBody: true },
    requestBodyLimit: config.maxBodyBytes,
    onRequest(ctx: PolicyContext): MaybePromise<Verdict> {
      if (alreadyIdentified(ctx, config, undefined)) return CONTINUE;
      if (ctx.headers.signature === undefined && ctx.headers['signature-input'] === undefined) {
        return missingCredential(ctx, config, challenge, LOCATION);
      }
      return verdictFor(ctx);
    },
    async close() {
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
