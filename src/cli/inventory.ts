// `rampart inventory list|show|diff|export|learn|clear`: the endpoints learned from traffic (by a
// gateway, or from HAR files and access logs with `learn`), compared with the contracts, exported as
// OpenAPI 3.1. Reads the store the config names (`-c`) or a sqlite file (`--db`).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import type { RampartConfig } from '../config/schema.ts';
import { compareWithSpecs, type InventoryDiff } from '../inventory/compare.ts';
import { inventoryDefaults, specSourcesOf } from '../inventory/config.ts';
import type { Exchange } from '../inventory/exchange.ts';
import { exportOpenApi } from '../inventory/export.ts';
import { endpointKey } from '../inventory/facts.ts';
import { exchangesOfHar } from '../inventory/har.ts';
import { exchangesOfLog } from '../inventory/log-import.ts';
import { createInventoryService } from '../inventory/service.ts';
import { loadSpecSet, NO_SPECS, type SpecSet } from '../inventory/spec-set.ts';
import { createSqliteInventoryStore } from '../inventory/sqlite-store.ts';
import type { InventoryStore } from '../inventory/store.ts';
import { formatDiff, formatEndpoints, summarize } from '../inventory/views.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import { storePath } from '../store/open-store.ts';
import { type CliIo, pathIn } from './io.ts';

const HELP = `Usage: rampart inventory <command> [-c rampart.yaml | --db PATH] [options]

  list                         the endpoints learned (* marks a learned template: no spec had it)
  show METHOD PATH             one endpoint's facts (PATH as listed, e.g. /users/{id})
  diff [--spec FILE]...        compare with the contracts (default: the specs the config names):
                               shadow, zombie, unauthenticated, sensitive, drift, unused;
                               exit 1 when there is a shadow, zombie or unauthenticated endpoint
  export [--out FILE] [--format json|yaml]
                               the learned API as an OpenAPI 3.1 document, examples redacted
  learn --har FILE [--host HOST]... | --access-log FILE [--spec FILE]...
                               learn from a HAR file (only the calls to HOST when given) or an
                               access log (Rampart JSON, Common/Combined)
  clear                        forget every learned endpoint

Options: --json (list, show, diff) prints JSON.`;

/** Files larger than this are refused (HAR files and logs are read whole). */
const MAX_INPUT_BYTES = 512 * 1024 * 1024;

class UsageError extends Error {}

interface Context {
  readonly store: InventoryStore;
  readonly config: RampartConfig | undefined;
  readonly baseDir: string;
}

async function openContext(
  values: { config?: string | undefined; db?: string | undefined },
  io: CliIo,
): Promise<Context> {
  if (values.db !== undefined) {
    const path = values.db === ':memory:' ? values.db : pathIn(io, values.db);
    return { store: createSqliteInventoryStore(path), config: undefined, baseDir: io.cwd };
  }
  const file = values.config ?? 'rampart.yaml';
  const loaded = await loadConfigFile(file, POLICY_DEFINITIONS, { cwd: io.cwd, env: io.env });
  if (!loaded.ok) throw new UsageError(loaded.errors.map(formatConfigError).join('\n'));
  const baseDir = dirname(pathIn(io, file));
  if (loaded.config.store === undefined)
    throw new UsageError(`${file} has no store: section (add one, or pass --db PATH)`);
  return {
    store: createSqliteInventoryStore(storePath(loaded.config.store, baseDir)),
    config: loaded.config,
    baseDir,
  };
}

function specsOf(context: Context, specs: readonly string[] | undefined, io: CliIo): SpecSet {
  if (specs !== undefined && specs.length > 0)
    return loadSpecSet(
      specs.map((spec) => ({ spec: pathIn(io, spec) })),
      io.cwd,
    );
  if (context.config === undefined) return NO_SPECS;
  return loadSpecSet(specSourcesOf(context.config, context.config.inventory), context.baseDir);
}

function readInput(io: CliIo, file: string): string {
  const path = pathIn(io, file);
  const size = statSync(path).size;
  if (size > MAX_INPUT_BYTES) throw new UsageError(`${file} is over ${MAX_INPUT_BYTES} bytes`);
  return readFileSync(path, 'utf8');
}

function hasFindings(diff: InventoryDiff): boolean {
  return diff.shadow.length > 0 || diff.zombie.length > 0 || diff.unauthenticated.length > 0;
}

/** Runs `rampart inventory`. */
export async function runInventory(args: readonly string[], io: CliIo): Promise<number> {
  let context: Context | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string', short: 'c' },
        db: { type: 'string' },
        json: { type: 'boolean' },
        spec: { type: 'string', multiple: true },
        har: { type: 'string' },
        host: { type: 'string', multiple: true },
        'access-log': { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [command, ...rest] = positionals;
    if (values.help === true || command === undefined) {
      io.stdout.write(`${HELP}\n`);
      return command === undefined && values.help !== true ? 2 : 0;
    }
    if (!['list', 'show', 'diff', 'export', 'learn', 'clear'].includes(command))
      throw new UsageError(`unknown inventory command "${command}"`);
    context = await openContext(values, io);
    const { store } = context;
    switch (command) {
      case 'list': {
        const endpoints = await store.list();
        if (values.json === true) {
          const counters = await store.counters();
          io.stdout.write(`${JSON.stringify({ endpoints: endpoints.map(summarize), counters }, null, 2)}\n`);
        } else io.stdout.write(formatEndpoints(endpoints));
        return 0;
      }
      case 'show': {
        const [method, path] = rest;
        if (method === undefined || path === undefined) throw new UsageError('show needs METHOD and PATH');
        const key = endpointKey(method.toUpperCase(), path);
        const facts = (await store.list()).find((e) => endpointKey(e.method, e.template) === key);
        if (facts === undefined) {
          io.stderr.write(`rampart inventory: no endpoint ${key}\n`);
          return 1;
        }
        io.stdout.write(
          values.json === true
            ? `${JSON.stringify(facts, null, 2)}\n`
            : stringify({ ...summarize(facts), params: facts.params }),
        );
        return 0;
      }
      case 'diff': {
        const specs = specsOf(context, values.spec, io);
        if (specs.specs.length === 0)
          throw new UsageError('diff needs a spec: --spec FILE, or -c with a config whose policies name one');
        const diff = compareWithSpecs(await store.list(), specs);
        io.stdout.write(values.json === true ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff));
        return hasFindings(diff) ? 1 : 0;
      }
      case 'export': {
        const document = exportOpenApi(await store.list());
        const format = values.format ?? (values.out?.endsWith('.json') === true ? 'json' : 'yaml');
        if (format !== 'json' && format !== 'yaml') throw new UsageError('--format must be json or yaml');
        const text = format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : stringify(document);
        if (values.out === undefined) io.stdout.write(text);
        else writeFileSync(pathIn(io, values.out), text);
        return 0;
      }
      case 'learn': {
        if ((values.har === undefined) === (values['access-log'] === undefined))
          throw new UsageError('learn needs one of --har FILE or --access-log FILE');
        const skipped = { skipped: 0 };
        let exchanges: Iterable<Exchange>;
        if (values.har !== undefined) {
          let har: unknown;
          try {
            har = JSON.parse(readInput(io, values.har));
          } catch (error) {
            throw new UsageError(error instanceof UsageError ? error.message : `${values.har}: not JSON`);
          }
          exchanges = exchangesOfHar(har, values.host);
        } else exchanges = exchangesOfLog(readInput(io, values['access-log']!), skipped);
        const settings = context.config?.inventory ?? inventoryDefaults();
        const service = await createInventoryService({
          store,
          specs: specsOf(context, values.spec, io),
          maxEndpoints: settings.maxEndpoints,
          maxParameters: settings.maxParameters,
          maxBodyBytes: settings.maxBodyBytes,
          queue: settings.queue,
          flushIntervalMs: 0,
        });
        let learned: number;
        try {
          learned = await service.learn(exchanges);
        } catch (error) {
          throw new UsageError((error as Error).message);
        } finally {
          context = undefined;
          await service.close();
        }
        io.stderr.write(
          `learned ${learned} exchanges${skipped.skipped > 0 ? `, ${skipped.skipped} lines not understood` : ''}\n`,
        );
        return 0;
      }
      default: {
        await store.clear();
        io.stderr.write('inventory cleared\n');
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`rampart inventory: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await context?.store.close();
  }
}
