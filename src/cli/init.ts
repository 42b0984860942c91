// `rampart init --spec FILE --upstream URL`: writes a complete, commented config from an API's own
// OpenAPI spec, prints what it decided and what is left to fill in. The config runs as written.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { secretWeakness } from '../identity/weak-secrets.ts';
import { buildInitConfig } from '../init/build-config.ts';
import { readScanFixes } from '../init/from-scan.ts';
import { loadSpecFile } from '../openapi/spec-file.ts';

const HELP = `Usage: rampart init --spec FILE --upstream URL [--out rampart.yaml] [--jwt-secret env:NAME] [--from-scan FILE]
                    [--admins NAME,...] [--force]

  --spec FILE          the API's OpenAPI 3.0/3.1 spec (files its $refs name are read too)
  --upstream URL       where the API listens
  --out FILE           the config to write (default rampart.yaml; refused if it exists, unless --force)
  --jwt-secret REF     env:NAME or file:PATH of the API's JWT signing secret (HS*): tokens are then
                       verified with it, or shielded when the secret is weak
  --admins NAMES       token subjects allowed to call operations for administrators only
  --from-scan FILE     a \`rampart scan --format json\` report: its findings' fix blocks (and the
                       blocks they need on other routes) are merged into the matching routes,
                       over the defaults; blocks that need something first are listed as to-do
  --force              overwrite --out`;

/** What init writes to and reads from (the CLI's io). */
export interface InitIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The secret a reference names, to judge its strength (never written anywhere); undefined if unset. */
function secretValue(ref: string, io: InitIo): string | undefined {
  if (ref.startsWith('env:')) return io.env[ref.slice(4)];
  try {
    return readFileSync(resolve(io.cwd, ref.slice(5)), 'utf8')
      .slice(0, 4096)
      .trim();
  } catch {
    return undefined;
  }
}

/** Runs `rampart init`; resolves to the exit code (0 written, 1 refused, 2 usage). */
export async function runInit(args: readonly string[], io: InitIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        spec: { type: 'string' },
        upstream: { type: 'string' },
        out: { type: 'string', default: 'rampart.yaml' },
        'jwt-secret': { type: 'string' },
        admins: { type: 'string' },
        'from-scan': { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${HELP}\n`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const specArg = values.spec;
  const upstream = values.upstream;
  if (typeof specArg !== 'string' || typeof upstream !== 'string') {
    io.stderr.write(`--spec and --upstream are required\n${HELP}\n`);
    return 2;
  }
  if (!URL.canParse(upstream) || !/^https?:$/.test(new URL(upstream).protocol)) {
    io.stderr.write(`--upstream must be an http(s) URL, got "${upstream}"\n`);
    return 2;
  }
  const jwtSecret = values['jwt-secret'];
  if (typeof jwtSecret === 'string' && !jwtSecret.startsWith('env:') && !jwtSecret.startsWith('file:')) {
    io.stderr.write('--jwt-secret takes a reference (env:NAME or file:PATH), never the secret itself\n');
    return 2;
  }
  const outFile = resolve(io.cwd, String(values.out));
  if (existsSync(outFile) && values.force !== true) {
    io.stderr.write(`${outFile} exists; pass --force to overwrite it\n`);
    return 1;
  }
  let spec: ReturnType<typeof loadSpecFile>;
  try {
    spec = loadSpecFile(specArg, io.cwd);
  } catch (error) {
    io.stderr.write(`rampart init: ${(error as Error).message}\n`);
    return 1;
  }
  const secret = typeof jwtSecret === 'string' ? secretValue(jwtSecret, io) : undefined;
  let scanFixes: ReturnType<typeof readScanFixes> | undefined;
  if (typeof values['from-scan'] === 'string') {
    try {
      scanFixes = readScanFixes(readFileSync(resolve(io.cwd, values['from-scan']), 'utf8'));
    } catch (error) {
      io.stderr.write(`rampart init: --from-scan: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const result = buildInitConfig({
    spec,
    upstream,
    outFile,
    jwtSecret: typeof jwtSecret === 'string' ? jwtSecret : undefined,
    jwtSecretWeak: secret !== undefined && secretWeakness(secret) !== undefined,
    ...(scanFixes === undefined ? {} : { scanFixes }),
    admins:
      typeof values.admins === 'string'
        ? values.admins
            .split(',')
            .map((name) => name.trim())
            .filter((name) => name !== '')
        : [],
  });
  writeFileSync(outFile, result.yaml, { mode: 0o644 });
  const lines = [`wrote ${outFile}`, '', 'decided:', ...result.decisions.map((line) => `  - ${line}`)];
  if (result.todo.length > 0) lines.push('', 'still to do:', ...result.todo.map((line) => `  - ${line}`));
  lines.push('', `check it: rampart validate -c ${values.out}; run it: rampart start -c ${values.out}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
