// Admin API routes for consumers and API keys (mounted on the admin listener by `rampart start`).
// Writes require a JSON body (so a cross-site form cannot post one); a new key is in the 201 answer
// only; revocations and changed consumers are announced on the state so every instance drops its cache.
import type { ErrorCode } from '../errors/codes.ts';
import { ApiKeyError, issueApiKey, revokeApiKey, rotateApiKey, viewApiKey } from '../identity/api-keys.ts';
import { CONSUMER_NAME_PATTERN, viewConsumer } from '../identity/consumers.ts';
import { encodeRevocation, REVOCATION_CHANNEL, type RevocationNotice } from '../identity/revocations.ts';
import {
  issueSigningKey,
  revokeSigningKey,
  SigningKeyError,
  viewSigningKey,
} from '../identity/signing-keys.ts';
import { revokeTokens, TokenRevocationError, tokenRevocation } from '../identity/token-revocations.ts';
import { parseDuration } from '../lib/durations.ts';
import type { StateStore } from '../state/state.ts';
import { type IdentityStore, StoreConflictError } from '../store/store.ts';
import type { AdminReply, AdminRequest, AdminRoute } from './routes.ts';

/** What the consumer routes need. */
export interface ConsumerRoutesOptions {
  readonly store: IdentityStore;
  readonly state?: StateStore | undefined;
  readonly clock?: () => number;
}

const NAME_LIST = /^[A-Za-z0-9_.:/-]{1,128}$/;

const problem = (code: ErrorCode, detail: string): AdminReply => ({ problem: code, detail });

const BY_STATUS = {
  400: 'RAMPART_ADMIN_BAD_REQUEST',
  404: 'RAMPART_ADMIN_NOT_FOUND',
  409: 'RAMPART_ADMIN_CONFLICT',
  415: 'RAMPART_ADMIN_UNSUPPORTED_MEDIA_TYPE',
} as const satisfies Record<number, ErrorCode>;

/** Thrown inside a handler to answer with a 4xx problem. */
class BadRequest extends Error {
  readonly code: ErrorCode;
  constructor(status: keyof typeof BY_STATUS, message: string) {
    super(message);
    this.code = BY_STATUS[status];
  }
}

function jsonBody(request: AdminRequest): Record<string, unknown> {
  const type = String(request.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('application/json')) throw new BadRequest(415, 'send application/json');
  try {
    const value = JSON.parse(request.body?.toString('utf8') || '{}') as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new BadRequest(400, 'the body is not a JSON object');
  }
}

function roles(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length > 64 ||
    !value.every((r) => typeof r === 'string' && NAME_LIST.test(r))
  ) {
    throw new BadRequest(400, 'roles: an array of names');
  }
  return [...new Set(value as string[])];
}

function optionalDuration(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    const ms = parseDuration(value as string | number);
    if (ms > 0) return ms;
  } catch {}
  throw new BadRequest(400, `${what}: a duration such as "30d"`);
}

/**
 * The routes: /consumers, /consumers/:id, /consumers/:id/keys, /keys, /keys/:id/rotate, /keys/:id/revoke,
 * /consumers/:id/signing-keys, /signing-keys/:id/revoke, /tokens/revoke (JWTs by jti or subject).
 */
export function consumerRoutes(options: ConsumerRoutesOptions): AdminRoute[] {
  const { store } = options;
  const now = options.clock ?? Date.now;
  const announce = async (notice: RevocationNotice) => {
    await options.state?.publish(REVOCATION_CHANNEL, encodeRevocation(notice));
  };
  const consumerOf = async (request: AdminRequest) => {
    const consumer = await store.findConsumer(request.params.id ?? '');
    if (consumer === undefined) throw new BadRequest(404, 'no such consumer');
    return consumer;
  };
  const guard =
    (handle: (request: AdminRequest) => Promise<AdminReply>) =>
    async (request: AdminRequest): Promise<AdminReply> => {
      try {
        return await handle(request);
      } catch (error) {
        if (error instanceof BadRequest) return problem(error.code, error.message);
        if (error instanceof StoreConflictError) return problem(BY_STATUS[409], error.message);
        if (error instanceof ApiKeyError) return problem(BY_STATUS[409], error.message);
        if (error instanceof SigningKeyError) return problem(BY_STATUS[409], error.message);
        if (error instanceof TokenRevocationError) return problem(BY_STATUS[400], error.message);
        throw error;
      }
    };
  const route = (
    method: string,
    path: string,
    handle: (request: AdminRequest) => Promise<AdminReply>,
  ): AdminRoute => ({
    method,
    path,
    handle: guard(handle),
  });

  return [
    route('GET', '/consumers', async () => ({
      status: 200,
      json: (await store.listConsumers()).map(viewConsumer),
    })),
    route('POST', '/consumers', async (request) => {
      const body = jsonBody(request);
      if (typeof body.name !== 'string' || !CONSUMER_NAME_PATTERN.test(body.name)) {
        throw new BadRequest(400, 'name: 1-64 letters, digits, _ . @ -');
      }
      const consumer = await store.createConsumer({ name: body.name, roles: roles(body.roles) ?? [] });
      return {
        status: 201,
        json: viewConsumer(consumer),
        audit: { consumer: consumer.name, consumerId: consumer.id, roles: consumer.roles },
      };
    }),
    route('GET', '/consumers/:id', async (request) => ({
      status: 200,
      json: viewConsumer(await consumerOf(request)),
    })),
    route('PATCH', '/consumers/:id', async (request) => {
      const consumer = await consumerOf(request);
      const body = jsonBody(request);
      const newRoles = roles(body.roles);
      if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
        throw new BadRequest(400, 'enabled: true or false');
      if (newRoles !== undefined) await store.setConsumerRoles(consumer.id, newRoles);
      if (body.enabled !== undefined) await store.setConsumerEnabled(consumer.id, body.enabled);
      // Every instance drops what it cached about the consumer's credentials (roles, enabled): a
      // disabled consumer is refused at once, and one enabled again or given new roles is not kept
      // refused, or with its old roles, until the cache entries expire.
      if (newRoles !== undefined || body.enabled !== undefined)
        await announce({ kind: 'consumer', id: consumer.id });
      return {
        status: 200,
        json: viewConsumer((await store.findConsumer(consumer.id)) ?? consumer),
        audit: { consumer: consumer.name, roles: newRoles, enabled: body.enabled as boolean | undefined },
      };
    }),
    route('GET', '/consumers/:id/keys', async (request) => {
      const consumer = await consumerOf(request);
      const at = now();
      return { status: 200, json: (await store.listApiKeys(consumer.id)).map((key) => viewApiKey(key, at)) };
    }),
    route('POST', '/consumers/:id/keys', async (request) => {
      const consumer = await consumerOf(request);
      const body = jsonBody(request);
      const at = now();
      const issued = await issueApiKey(store, consumer, {
        now: at,
        ttlMs: optionalDuration(body.expires, 'expires'),
      });
      return {
        status: 201,
        json: { key: issued.key, ...viewApiKey(issued.record, at) },
        audit: { consumer: consumer.name, keyId: issued.record.id, expiresAt: issued.record.expiresAt },
      };
    }),
    route('GET', '/keys', async () => {
      const at = now();
      return { status: 200, json: (await store.listApiKeys()).map((key) => viewApiKey(key, at)) };
    }),
    route('POST', '/keys/:id/rotate', async (request) => {
      const body = jsonBody(request);
      const at = now();
      const issued = await rotateApiKey(store, request.params.id ?? '', {
        now: at,
        graceMs: optionalDuration(body.grace, 'grace') ?? 24 * 3_600_000,
        ttlMs: optionalDuration(body.expires, 'expires'),
      });
      return {
        status: 201,
        json: { key: issued.key, ...viewApiKey(issued.record, at) },
        audit: { replaced: request.params.id, keyId: issued.record.id },
      };
    }),
    route('GET', '/consumers/:id/signing-keys', async (request) => {
      const consumer = await consumerOf(request);
      return { status: 200, json: (await store.listSigningKeys(consumer.id)).map(viewSigningKey) };
    }),
    route('POST', '/consumers/:id/signing-keys', async (request) => {
      const consumer = await consumerOf(request);
      const body = jsonBody(request);
      if (body.algorithm !== 'hmac-sha256' && body.algorithm !== 'ed25519') {
        throw new BadRequest(400, 'algorithm: hmac-sha256 or ed25519');
      }
      if (
        body.publicKey !== undefined &&
        (typeof body.publicKey !== 'string' || body.publicKey.length > 16_384)
      ) {
        throw new BadRequest(400, 'publicKey: a PEM string');
      }
      const at = now();
      let issued: Awaited<ReturnType<typeof issueSigningKey>>;
      try {
        issued = await issueSigningKey(store, consumer, {
          now: at,
          algorithm: body.algorithm,
          publicKeyPem: body.publicKey as string | undefined,
        });
      } catch (error) {
        if (error instanceof SigningKeyError) throw new BadRequest(400, error.message);
        throw error;
      }
      const secret = issued.secret === undefined ? {} : { secret: issued.secret };
      return {
        status: 201,
        json: { ...viewSigningKey(issued.record), ...secret },
        audit: { consumer: consumer.name, keyId: issued.record.id, algorithm: issued.record.algorithm },
      };
    }),
    route('POST', '/signing-keys/:id/revoke', async (request) => {
      jsonBody(request);
      const id = request.params.id ?? '';
      await revokeSigningKey(store, id, now());
      await announce({ kind: 'signing-key', id });
      return { status: 200, json: { keyid: id, revoked: true }, audit: { keyId: id } };
    }),
    route('POST', '/tokens/revoke', async (request) => {
      const body = jsonBody(request);
      const before = body.before === undefined ? undefined : Date.parse(String(body.before));
      if (before !== undefined && Number.isNaN(before))
        throw new BadRequest(400, 'before: an ISO 8601 instant');
      const revocation = tokenRevocation(
        { jti: body.jti, subject: body.subject, before, ttlMs: optionalDuration(body.ttl, 'ttl') },
        now(),
      );
      await revokeTokens(store, options.state, revocation);
      return {
        status: 200,
        json: {
          kind: revocation.kind,
          value: revocation.value,
          issuedBefore: new Date(revocation.issuedBefore).toISOString(),
          expiresAt: new Date(revocation.expiresAt).toISOString(),
        },
        // A jti names one token, not a secret; the subject is who lost their tokens.
        audit: { kind: revocation.kind, value: revocation.value, issuedBefore: revocation.issuedBefore },
      };
    }),
    route('POST', '/keys/:id/revoke', async (request) => {
      jsonBody(request);
      const id = request.params.id ?? '';
      await revokeApiKey(store, id, now());
      await announce({ kind: 'key', id });
      return { status: 200, json: { id, revoked: true }, audit: { keyId: id } };
    }),
  ];
}
