// The `rampart` executable as a real process (bin/rampart.js → src/cli/main.ts), and the command words
// main.ts answers itself: --version, help, an unknown command.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
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
