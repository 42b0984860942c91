// Builds the dashboard (dashboard/src → dashboard/dist) with Vite: `npm run build:dashboard`. The
// built files are committed, so `npm ci && npm start` serves the dashboard without a build step and a
// production install needs no Vite; test/dashboard-bundle.test.ts fails when they are out of date.
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';

/** The dashboard folder. */
export const DASHBOARD_ROOT = fileURLToPath(new URL('.', import.meta.url));

/** The Vite config: one page, JavaScript modules, no inline script or style, served under /dashboard/. */
export function dashboardBuildConfig(outDir: string): InlineConfig {
  return {
    root: DASHBOARD_ROOT,
    base: '/dashboard/',
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      // Nothing inlined as a data: URL, no module preload polyfill (modules only), no source maps.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      sourcemap: false,
      reportCompressedSize: false,
    },
  };
}

/** Builds into `outDir` (dashboard/dist by default). */
export async function buildDashboard(
  outDir: string = fileURLToPath(new URL('dist', import.meta.url)),
): Promise<void> {
  await build(dashboardBuildConfig(outDir));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDashboard();
