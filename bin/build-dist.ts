// Builds the published package's JavaScript (npm runs it before `npm pack` and `npm publish`): Node
// strips types from our sources in a checkout, but refuses to for files under node_modules, so the
// package ships `dist/`, a mirror of the checkout (dist/src, dist/examples/demo-api, dist/package.json)
// in which every relative path the code uses (package.json, the demo's spec) resolves as it does here.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** Copies the files the compiler does not emit (YAML, JSON data) from `dir` into dist. */
function copyAssets(dir: string): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const ext = extname(entry.name);
    if (ext === '.ts' || ext === '.md') continue;
    const from = join(entry.parentPath, entry.name);
    cpSync(from, join(dist, from.slice(root.length)));
  }
}

rmSync(dist, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);
copyAssets('src');
copyAssets('examples/demo-api');
// The built dashboard, where src/admin/static.ts looks for it (dist/dashboard/dist beside dist/src).
copyAssets('dashboard/dist');
