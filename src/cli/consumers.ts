// `rampart consumers add|list|disable|enable|roles|password`: manage consumers in the store.
import { parseArgs } from 'node:util';
import { CONSUMER_NAME_PATTERN, viewConsumer } from '../identity/consumers.ts';
import { hashPassword } from '../identity/passwords.ts';
import { StoreConflictError } from '../store/store.ts';
import { type CliIo, readStdin } from './io.ts';
import { CliError, parseList, STORE_OPTIONS, withStore } from './store-args.ts';

const HELP = `Usage: rampart consumers <add|list|disable|enable|roles|password> [options]

  add NAME [--roles a,b] [--meta key=value …]
                                 create a consumer (roles/scopes used by \`authorize\`; metadata
                                 readable as claims, e.g. by object rules or forwarded headers)
  list                           list consumers
  disable NAME | enable NAME     refuse (or accept again) every credential of a consumer
  roles NAME --roles a,b         replace a consumer's roles
  password NAME [--username U]   set a Basic password, read from stdin (first line)

Store: -c FILE (the store the config names; default ./rampart.yaml) or --db PATH (a node:sqlite file) or --db postgres://… (PostgreSQL).
      --json   machine-readable output`;

async function readStdinLine(io: CliIo): Promise<string> {
  const text = (await readStdin(io, 4096)).toString('utf8');
  return (text.split(/\r?\n/)[0] ?? '').slice(0, 2048);
}

function parseMetadata(pairs: readonly string[] | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    if (eq < 1 || !/^[A-Za-z0-9_.-]{1,64}$/.test(key) || pair.length - eq - 1 > 256) {
      throw new CliError(`--meta ${pair}: key=value (key of letters, digits, _ . -)`, 2);
    }
    metadata[key] = pair.slice(eq + 1);
  }
  return metadata;
}

/** Runs `rampart consumers`; resolves to the exit code. */
export async function runConsumers(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      ...STORE_OPTIONS,
      roles: { type: 'string' },
      meta: { type: 'string', multiple: true },
      username: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, name] = positionals;
  if (values.help === true || action === undefined) {
    io.stdout.write(`${HELP}\n`);
    return action === undefined && values.help !== true ? 2 : 0;
  }
  const out = (json: unknown, text: string) =>
    io.stdout.write(values.json === true ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
  return withStore(values, io, async (store) => {
    const need = async () => {
      if (name === undefined) throw new CliError(`consumers ${action}: NAME is required`, 2);
      const consumer = await store.findConsumer(name);
      if (consumer === undefined) throw new CliError(`no consumer "${name}"`);
      return consumer;
    };
    switch (action) {
      case 'add': {
        if (name === undefined || !CONSUMER_NAME_PATTERN.test(name)) {
          throw new CliError('consumers add: NAME of 1-64 letters, digits, _ . @ -', 2);
        }
        try {
          const consumer = await store.createConsumer({
            name,
            roles: parseList(values.roles),
            metadata: parseMetadata(values.meta),
          });
          out(viewConsumer(consumer), `created consumer ${consumer.name} (${consumer.id})`);
          return 0;
        } catch (error) {
          if (error instanceof StoreConflictError) throw new CliError(error.message);
          throw error;
        }
      }
      case 'list': {
        const consumers = (await store.listConsumers()).map(viewConsumer);
        const lines = consumers.map(
          (c) => `${c.name.padEnd(24)} ${c.id}  ${c.enabled ? 'enabled ' : 'disabled'}  ${c.roles.join(',')}`,
        );
        out(consumers, lines.length === 0 ? 'no consumers' : lines.join('\n'));
        return 0;
      }
      case 'disable':
      case 'enable': {
        const consumer = await need();
        await store.setConsumerEnabled(consumer.id, action === 'enable');
        out({ ...viewConsumer(consumer), enabled: action === 'enable' }, `${action}d ${consumer.name}`);
        return 0;
      }
      case 'roles': {
        const consumer = await need();
        const roles = parseList(values.roles);
        await store.setConsumerRoles(consumer.id, roles);
        out({ ...viewConsumer(consumer), roles }, `${consumer.name}: roles ${roles.join(',') || '(none)'}`);
        return 0;
      }
      case 'password': {
        const consumer = await need();
        const password = await readStdinLine(io);
        if (password.length < 8) throw new CliError('password: at least 8 characters on stdin');
        const username = values.username ?? consumer.name;
        await store.setPassword({
          username,
          consumerId: consumer.id,
          hash: await hashPassword(password),
          createdAt: Date.now(),
        });
        out({ username, consumerId: consumer.id }, `password set for ${username}`);
        return 0;
      }
      default:
        throw new CliError(`unknown action "${action}"\n\n${HELP}`, 2);
    }
  });
}
