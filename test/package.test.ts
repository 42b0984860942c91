// The published package, as a user gets it: `npm pack` (which builds dist/), then an install of the
// tarball into an empty folder, then the installed `rampart` command. The install is made from npm's
// local cache with a lockfile taken from this repository's (so no registry is needed where `npm ci`
// has run); when the cache lacks something it asks the registry, and the suite is skipped only when
// the registry cannot be reached either.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
};

const npmAvailable = (process.env.PATH ?? '').split(delimiter).some((d) => existsSync(join(d, 'npm')));

type LockEntry = { version?: string; resolved?: string; dev?: boolean; devOptional?: boolean };

/**
 * A lockfile for an app that depends on the tarball: the tarball itself, plus this repository's locked
 * production dependencies at the same (hoisted) places, with their registry tarball URLs so npm finds
 * them in its cache by URL and integrity.
 */
function appLockfile(tarball: string): object {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const packages: Record<string, object> = {
    '': { name: 'app', dependencies: { [pkg.name]: `file:${tarball}` } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: `file:${tarball}`,
      integrity,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev === true || entry.devOptional === true) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const file = `${name.split('/').pop()}-${entry.version}.tgz`;
    packages[path] = { ...entry, resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${file}` };
  }
  return { name: 'app', lockfileVersion: 3, requires: true, packages };
}

const UNREACHABLE = /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH/;

describe('the npm package', { skip: npmAvailable ? false : 'npm is not on PATH' }, () => {
  let dir: string;
  let app: string;
  let skipReason: string | undefined;
  /** Runs the installed `rampart` with `node` (the given one, else this Node 24) first on PATH. */
  const rampart = (args: string[], node = process.execPath) =>
    run(join(app, 'node_modules', '.bin', 'rampart'), args, {
      env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` },
      timeout: 30_000,
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-package-'));
    // prepack builds dist/ and postpack removes it again.
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', dir], {
      cwd: ROOT,
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = join(dir, stdout.trim().split('\n').pop() ?? '');
    app = join(dir, 'app');
    await run('mkdir', [app]);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'app', private: true, dependencies: { [pkg.name]: `file:${tarball}` } }),
    );
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify(appLockfile(tarball)));
    const install = (mode: string) =>
      run('npm', ['ci', mode, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, timeout: 180_000 });
    try {
      await install('--offline');
    } catch (offline) {
      if (!UNREACHABLE.test(String((offline as { stderr?: string }).stderr))) throw offline;
      try {
        await install('--prefer-offline');
      } catch (online) {
        if (!UNREACHABLE.test(String((online as { stderr?: string }).stderr))) throw online;
        skipReason = 'the dependencies are not in the npm cache and the registry cannot be reached';
      }
    }
  });

  after(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('ships the built JavaScript, the license and the docs, not the sources or the tests', async (t) => {
    if (skipReason !== undefined) return t.skip(skipReason);
    const installed = join(app, 'node_modules', pkg.name);
    for (const file of [
      'LICENSE',
      'NOTICE',
      'CHANGELOG.md',
      'SECURITY.md',
      'README.md',
      'dist/src/cli/main.js',
      'dist/dashboard/dist/index.html',
    ]) {
      assert.ok(existsSync(join(installed, file)), `${file} is missing`);
    }
    assert.match(
      readFileSync(join(installed, 'LICENSE'), 'utf8'),
      /Apache License\s+Version 2\.0, January 2004/,
    );
    assert.equal(existsSync(join(installed, 'src')), false);
    assert.equal(existsSync(join(installed, 'test')), false);
    assert.equal(existsSync(join(installed, 'dist/src/cli/main.test.js')), false);
    // Only production dependencies were installed.
    assert.equal(existsSync(join(app, 'node_modules', 'typescript')), false);
  });

  test('the installed rampart prints its version and validates a config', async (t) => {
    if (skipReason !== undefined) return t.skip(skipReason);
    assert.equal((await rampart(['--version'])).stdout.trim(), pkg.version);
    const validated = await rampart(['validate', '-c', join(ROOT, 'examples', 'rampart.yaml')]);
    assert.match(validated.stdout, /valid/);
  });

  test('embedders import the library by the package name', async (t) => {
    if (skipReason !== undefined) return t.skip(skipReason);
    const script = `import('${pkg.name}').then((m) => console.log(typeof m.startRampart, typeof m.definePolicy))`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    assert.equal(stdout.trim(), 'function function');
  });

  test('says plainly that it needs Node 24 when run with an older Node', async (t) => {
    if (skipReason !== undefined) return t.skip(skipReason);
    let old: string | undefined;
    for (const path of ['/usr/bin/node', '/usr/local/bin/node']) {
      if (!existsSync(path) || path === process.execPath) continue;
      const { stdout } = await run(path, ['-p', 'process.versions.node']);
      if (Number(stdout.split('.')[0]) < 24) old = path;
    }
    if (old === undefined) return t.skip('no Node.js older than 24 on this machine');
    await assert.rejects(rampart(['--version'], old), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr ?? '', /needs Node\.js 24 or newer; this is Node\.js v\d+/);
      return true;
    });
  });
});
