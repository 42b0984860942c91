#!/usr/bin/env node
// The `rampart` executable. It runs the TypeScript sources in a checkout (Node 24 strips the types) and
// the compiled JavaScript in the installed package (dist/, built by bin/build-dist.ts when packing:
// Node refuses to strip types under node_modules). Written for old Node versions too, so that one is
// told plainly what it needs instead of failing on syntax.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  process.stderr.write(
    `rampart needs Node.js ${REQUIRED_MAJOR} or newer; this is Node.js ${process.version}.\n` +
      'Install Node.js 24 LTS (https://nodejs.org, or nvm install 24) and run rampart with it.\n',
  );
  process.exit(1);
}
const sources = new URL('../src/cli/main.ts', import.meta.url);
const installed = fileURLToPath(import.meta.url).includes('/node_modules/');
const entry =
  existsSync(sources) && !installed ? sources : new URL('../dist/src/cli/main.js', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
