// `rampart config diff A B`: what changes between two configs as the gateway sees them (each loaded and
// validated, defaults applied), so a review shows the effect of an edit, not its formatting. Lists of
// named items (routes, upstream targets by url, rate-limit rules) are matched by name, so moving or
// inserting one reads as such instead of as every later item changing.
import { parseArgs } from 'node:util';
import { formatConfigError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import type { CliIo } from './io.ts';

const HELP = `Usage: rampart config diff A.yaml B.yaml [--json]

Loads both configs (validated, defaults applied) and prints what B changes from A, one line per change:
  + path: value     added in B
  - path: value     removed in B
  ~ path: a → b     changed
Named lists (routes, rules, targets) are matched by name. Passwords in URLs are masked.
Exit code 0 when they are the same, 1 when they differ, 2 when one cannot be loaded.`;

/** One difference between two configs. */
export interface ConfigChange {
  readonly op: '+' | '-' | '~';
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Most changes listed: past it, one line says how many more there are. */
const MAX_CHANGES = 10_000;
/** Longest value shown on a line. */
const MAX_VALUE_CHARS = 200;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
/** `path.key`, or `path["odd key"]`. */
const member = (path: string, key: string) =>
  PLAIN_KEY.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`;
/** A named item of a list: `routes["api"]`, whatever its position. */
const named = (path: string, key: string) => `${path}[${JSON.stringify(key)}]`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The key an item of a list is matched by (`name`, else `url`), when every item has a distinct one. */
function keysOf(items: readonly unknown[]): string[] | undefined {
  const keys: string[] = [];
  for (const item of items) {
    if (!isObject(item)) return undefined;
    const key =
      typeof item.name === 'string' ? item.name : typeof item.url === 'string' ? item.url : undefined;
    if (key === undefined || keys.includes(key)) return undefined;
    keys.push(key);
  }
  return keys;
}

/** The changes from `a` to `b`, depth first, keys in sorted order. */
export function diffConfigs(a: unknown, b: unknown): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (changes.length > MAX_CHANGES) return;
    if (isObject(x) && isObject(y)) {
      for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
        if (!(key in y)) changes.push({ op: '-', path: member(path, key), before: x[key] });
        else if (!(key in x)) changes.push({ op: '+', path: member(path, key), after: y[key] });
        else walk(x[key], y[key], member(path, key));
      }
      return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      const xKeys = keysOf(x);
      const yKeys = keysOf(y);
      if (xKeys !== undefined && yKeys !== undefined) {
        xKeys.forEach((key, i) => {
          const j = yKeys.indexOf(key);
          if (j === -1) changes.push({ op: '-', path: named(path, key), before: x[i] });
          else walk(x[i], y[j], named(path, key));
        });
        yKeys.forEach((key, j) => {
          if (!xKeys.includes(key)) changes.push({ op: '+', path: named(path, key), after: y[j] });
        });
        const common = xKeys.filter((key) => yKeys.includes(key));
        const reordered = yKeys.filter((key) => xKeys.includes(key));
        if (common.join('\u0000') !== reordered.join('\u0000')) {
          changes.push({ op: '~', path: `${path} (order)`, before: common, after: reordered });
        }
        return;
      }
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        if (i >= y.length) changes.push({ op: '-', path: `${path}[${i}]`, before: x[i] });
        else if (i >= x.length) changes.push({ op: '+', path: `${path}[${i}]`, after: y[i] });
        else walk(x[i], y[i], `${path}[${i}]`);
      }
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      changes.push({ op: '~', path, before: x, after: y });
    }
  };
  walk(a, b, '');
  return changes;
}

/** A copy of `value` with URL passwords masked (a redis:// or postgres:// URL may carry one). */
export function maskPasswords(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null, (_key, v: unknown) =>
      typeof v === 'string' ? v.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*):[^/@\s]*@/i, '$1:***@') : v,
    ),
  );
}

/** A value for display: JSON, passwords masked, bounded. */
function showValue(value: unknown): string {
  const text = JSON.stringify(maskPasswords(value));
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

function formatChange(change: ConfigChange): string {
  if (change.op === '+') return `+ ${change.path}: ${showValue(change.after)}`;
  if (change.op === '-') return `- ${change.path}: ${showValue(change.before)}`;
  return `~ ${change.path}: ${showValue(change.before)} → ${showValue(change.after)}`;
}

/** Runs `rampart config <subcommand>` (only `diff` for now). */
export async function runConfig(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'diff') {
    io.stderr.write(`${sub === undefined ? '' : `rampart: unknown config command "${sub}"\n\n`}${HELP}\n`);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length !== 2) {
    io.stderr.write(`rampart: config diff takes two files\n\n${HELP}\n`);
    return 2;
  }
  const loaded = [];
  for (const file of positionals) {
    const result = await loadConfigFile(file, POLICY_DEFINITIONS, { cwd: io.cwd, env: io.env });
    if (!result.ok) {
      for (const error of result.errors) io.stderr.write(`${formatConfigError(error)}\n`);
      return 2;
    }
    loaded.push(result.config);
  }
  const changes = diffConfigs(loaded[0], loaded[1]);
  if (values.json === true) {
    const shown = changes.slice(0, MAX_CHANGES).map((c) => ({
      op: c.op,
      path: c.path,
      ...('before' in c ? { before: maskPasswords(c.before) } : {}),
      ...('after' in c ? { after: maskPasswords(c.after) } : {}),
    }));
    io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  } else {
    for (const change of changes.slice(0, MAX_CHANGES)) io.stdout.write(`${formatChange(change)}\n`);
    if (changes.length > MAX_CHANGES) io.stdout.write(`… and more changes\n`);
    if (changes.length === 0) io.stdout.write('no changes\n');
  }
  return changes.length === 0 ? 0 : 1;
}
