#!/usr/bin/env node
// The `rampart` executable: needs Node 24 (type stripping runs the TypeScript sources directly).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `rampart needs Node.js 24 or newer (this is ${process.version}). Run it through npm/npx in the project, ` +
      'which puts the bundled Node 24 first on PATH: npx rampart ...\n',
  );
  process.exit(1);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
