// The `rampart` executable as a real process (bin/rampart.js → src/cli/main.ts), the command words
// main.ts answers itself (--version, help, an unknown command), and the io a command runs with.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, runCliInProcess } from './helpers/cli.ts';

const BIN = fileURLToPath(new URL('../bin/rampart.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('rampart executable', () => {
  test('bin/rampart.js prints the package version and exits 0', async () => {
    const run = await runCli(['--version'], { executable: BIN });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${version}\n`);
  });

  test('ends quietly when its reader stops reading (rampart schema | head)', async () => {
    const child = spawn(process.execPath, [BIN, 'schema'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    // The reader takes the first chunk and goes away, as head does.
    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  });

  test('-v prints the version too, and help lists --version', async () => {
    assert.deepEqual(await runCliInProcess(['-v']), { code: 0, stdout: `${version}\n`, stderr: '' });
    const help = await runCliInProcess(['help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--version/);
  });

  test('exits 2 with the usage on an unknown command or none', async () => {
    const unknown = await runCliInProcess(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    assert.equal((await runCliInProcess([])).code, 2);
  });
});

describe('a command run in-process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-cli-io-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('resolves relative paths against its own working directory', async () => {
    copyFileSync(new URL('../examples/demo-api/openapi.yaml', import.meta.url), join(dir, 'api.yaml'));
    writeFileSync(
      join(dir, 'rampart.yaml'),
      'version: 1\nupstreams: { app: { url: http://127.0.0.1:1 } }\nroutes: []\n',
    );
    const valid = await runCliInProcess(['validate'], { cwd: dir });
    assert.deepEqual(valid, { code: 0, stdout: 'rampart.yaml: valid\n', stderr: '' });
    const audit = await runCliInProcess(['audit', 'api.yaml', '--format', 'json', '--fail-on', 'high'], {
      cwd: dir,
    });
    assert.notEqual(audit.code, 2, audit.stderr);
    assert.equal((JSON.parse(audit.stdout) as { file: string }).file, 'api.yaml');
  });

  test("reads env: references from its own environment, not the process's", async () => {
    writeFileSync(
      join(dir, 'secret.yaml'),
      'version: 1\nadmin: { token: "env:RAMPART_CLI_IO_TOKEN" }\nupstreams: { app: { url: http://127.0.0.1:1 } }\nroutes: []\n',
    );
    assert.equal(process.env.RAMPART_CLI_IO_TOKEN, undefined);
    const given = await runCliInProcess(['validate', '-c', 'secret.yaml'], {
      cwd: dir,
      env: { RAMPART_CLI_IO_TOKEN: 'a-long-enough-admin-token-for-the-test' },
    });
    assert.equal(given.code, 0, given.stderr);
    const missing = await runCliInProcess(['validate', '-c', 'secret.yaml'], { cwd: dir, env: {} });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /RAMPART_CLI_IO_TOKEN/);
  });
});
