// `rampart keys create|list|rotate|revoke`: API keys and request-signing keys in the store. A new API
// key is printed once, alone on stdout (so `KEY=$(rampart keys create …)` works); only its SHA-256 is
// stored. Signing keys (`--type hmac|ed25519`) print their keyid, and an hmac secret once.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { API_KEY_PREFIX } from '../identity/api-key-token.ts';
import {
  ApiKeyError,
  type IssuedApiKey,
  issueApiKey,
  revokeApiKey,
  rotateApiKey,
  viewApiKey,
} from '../identity/api-keys.ts';
import {
  issueSigningKey,
  revokeSigningKey,
  SIGNING_KEY_ID_PATTERN,
  SigningKeyError,
  viewSigningKey,
} from '../identity/signing-keys.ts';
import { parseDuration } from '../lib/durations.ts';
import { type CliIo, pathIn } from './io.ts';
import { CliError, STORE_OPTIONS, withStore } from './store-args.ts';

const HELP = `Usage: rampart keys <create|list|rotate|revoke> [options]

  create --consumer NAME [--expires 30d]   issue an API key; printed once, only its hash is stored
  create --consumer NAME --type hmac       issue an hmac-sha256 signing key: prints its keyid, then
                                           the secret (once; the store keeps it: protect the file)
  create --consumer NAME --type ed25519 --public-key FILE
                                           register an ed25519 public key (PEM); prints its keyid
  list [--consumer NAME]                   list keys (prefix or keyid, status, expiry), never a secret
                                           (--json: API keys; --json --type signing: signing keys)
  rotate KEY_ID [--grace 24h] [--expires 30d]
                                           issue a successor (as long-lived as the old key unless
                                           --expires); the old key stays valid for the grace period
  revoke KEY_ID                            refuse the key (gateways apply it within their key cache TTL)

KEY_ID is an API key's prefix as listed (rmp_live_XXXXXXXXXXXX) or its 12-character id, or a signing
key's keyid (sig_…). Signing keys are not rotated: create a new one, then revoke the old one.
Store: -c FILE (the store the config names; default ./rampart.yaml) or --db PATH (a node:sqlite file) or --db postgres://… (PostgreSQL).
      --json   machine-readable output`;

function duration(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  try {
    const ms = parseDuration(text);
    if (ms <= 0) throw new RangeError('not positive');
    return ms;
  } catch {
    throw new CliError(`${what}: a duration such as 30d, 12h or 15m`, 2);
  }
}

function readPublicKey(file: string | undefined, io: CliIo): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(pathIn(io, file), 'utf8').slice(0, 16_384);
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
}

/** How long key `id` was issued for (undefined: it never expires), so its successor gets the same. */
function keyIdOf(text: string | undefined): string {
  if (text === undefined) throw new CliError('KEY_ID is required', 2);
  const id = text.startsWith(API_KEY_PREFIX)
    ? text.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + 12)
    : text;
  if (!/^[A-Za-z0-9_-]{12}$/.test(id)) throw new CliError(`"${text}" is not a key id`, 2);
  return id;
}

/** Runs `rampart keys`; resolves to the exit code. */
export async function runKeys(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      ...STORE_OPTIONS,
      consumer: { type: 'string' },
      expires: { type: 'string' },
      grace: { type: 'string' },
      type: { type: 'string' },
      'public-key': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, target] = positionals;
  if (values.help === true || action === undefined) {
    io.stdout.write(`${HELP}\n`);
    return action === undefined && values.help !== true ? 2 : 0;
  }
  const now = Date.now();
  const printIssued = (issued: IssuedApiKey, note: string) => {
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify({ key: issued.key, ...viewApiKey(issued.record, now) }, null, 2)}\n`);
    } else {
      io.stdout.write(`${issued.key}\n`);
      io.stderr.write(`${note}\nThis is the only time the key is shown: store it in a secret manager.\n`);
    }
  };
  return withStore(values, io, async (store) => {
    const consumerNamed = async (name: string | undefined) => {
      if (name === undefined) throw new CliError('--consumer NAME is required', 2);
      const consumer = await store.findConsumer(name);
      if (consumer === undefined) throw new CliError(`no consumer "${name}"`);
      return consumer;
    };
    try {
      switch (action) {
        case 'create': {
          const consumer = await consumerNamed(values.consumer);
          const type = values.type ?? 'api';
          if (type === 'hmac' || type === 'ed25519') {
            const publicKeyPem = readPublicKey(values['public-key'], io);
            const issued = await issueSigningKey(store, consumer, {
              now,
              algorithm: type === 'hmac' ? 'hmac-sha256' : 'ed25519',
              publicKeyPem,
            });
            const view = viewSigningKey(issued.record);
            if (values.json === true) {
              const secret = issued.secret === undefined ? {} : { secret: issued.secret };
              io.stdout.write(`${JSON.stringify({ ...view, ...secret }, null, 2)}\n`);
            } else {
              io.stdout.write(`${view.keyid}\n${issued.secret === undefined ? '' : `${issued.secret}\n`}`);
              io.stderr.write(
                `created ${view.algorithm} signing key ${view.keyid} for ${consumer.name}\n` +
                  (issued.secret === undefined
                    ? ''
                    : 'This is the only time the secret is shown: store it in a secret manager.\n'),
              );
            }
            return 0;
          }
          if (type !== 'api') throw new CliError('--type: api, hmac or ed25519', 2);
          const issued = await issueApiKey(store, consumer, {
            now,
            ttlMs: duration(values.expires, '--expires'),
          });
          const view = viewApiKey(issued.record, now);
          printIssued(
            issued,
            `created ${view.prefix} for ${consumer.name}, expires ${view.expiresAt ?? 'never'}`,
          );
          return 0;
        }
        case 'list': {
          const consumer = values.consumer === undefined ? undefined : await consumerNamed(values.consumer);
          const names = new Map((await store.listConsumers()).map((c) => [c.id, c.name]));
          const keys = (await store.listApiKeys(consumer?.id)).map((record) => ({
            ...viewApiKey(record, now),
            consumer: names.get(record.consumerId) ?? record.consumerId,
          }));
          const signing = (await store.listSigningKeys(consumer?.id)).map((record) => ({
            ...viewSigningKey(record),
            consumer: names.get(record.consumerId) ?? record.consumerId,
          }));
          if (values.json === true) {
            // API keys as before (an array); signing keys are listed only with --json --type signing.
            const list = values.type === 'signing' ? signing : keys;
            io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          } else if (keys.length + signing.length === 0) io.stdout.write('no keys\n');
          else {
            for (const k of keys) {
              io.stdout.write(
                `${k.prefix}  ${k.status.padEnd(7)}  ${k.consumer.padEnd(20)}  expires ${k.expiresAt ?? 'never'}\n`,
              );
            }
            for (const k of signing) {
              io.stdout.write(
                `${k.keyid}  ${k.status.padEnd(7)}  ${k.consumer.padEnd(20)}  ${k.algorithm}\n`,
              );
            }
          }
          return 0;
        }
        case 'rotate': {
          if (target !== undefined && SIGNING_KEY_ID_PATTERN.test(target)) {
            throw new CliError('signing keys are not rotated: create a new one, then revoke the old one', 2);
          }
          const graceMs = duration(values.grace, '--grace') ?? 24 * 3_600_000;
          const id = keyIdOf(target);
          const issued = await rotateApiKey(store, id, {
            now,
            graceMs,
            ttlMs: duration(values.expires, '--expires'),
          });
          printIssued(
            issued,
            `rotated: the old key stays valid until ${new Date(now + graceMs).toISOString()}`,
          );
          return 0;
        }
        case 'revoke': {
          if (target !== undefined && SIGNING_KEY_ID_PATTERN.test(target)) {
            await revokeSigningKey(store, target, now);
            io.stdout.write(
              values.json === true
                ? `${JSON.stringify({ keyid: target, revoked: true })}\n`
                : `revoked ${target}\n`,
            );
            return 0;
          }
          const id = keyIdOf(target);
          await revokeApiKey(store, id, now);
          io.stdout.write(
            values.json === true
              ? `${JSON.stringify({ id, revoked: true })}\n`
              : `revoked ${API_KEY_PREFIX}${id}\n`,
          );
          return 0;
        }
        default:
          throw new CliError(`unknown action "${action}"\n\n${HELP}`, 2);
      }
    } catch (error) {
      if (error instanceof ApiKeyError || error instanceof SigningKeyError) throw new CliError(error.message);
      throw error;
    }
  });
}
