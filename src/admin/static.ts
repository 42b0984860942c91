// The dashboard's built files (dashboard/dist), read once when the admin listener starts and served from
// memory under /dashboard/ with a strict Content-Security-Policy: scripts and styles from this origin
// only (no inline script or style), no framing, fetches to this origin only.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the dashboard is served. */
export const DASHBOARD_PREFIX = '/dashboard/';

/** The built dashboard in the repository (committed; `npm run build:dashboard` rebuilds it). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));

/** The policy every dashboard file is served with. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** A file ready to send. */
export interface StaticFile {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

const MAX_FILES = 256;
const MAX_TOTAL_BYTES = 16 * 1024 * 1024;

/** Reads the files under `dir` (bounded in count and size); an absent folder gives no files. */
export function loadStaticFiles(dir: string): ReadonlyMap<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  let total = 0;
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const full = join(folder, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const type = TYPES[extname(name)];
      if (type === undefined) continue;
      const body = readFileSync(full);
      total += body.length;
      if (files.size >= MAX_FILES || total > MAX_TOTAL_BYTES) throw new RangeError(`${dir}: too large`);
      const path = relative(dir, full).split(sep).join('/');
      // Built assets carry a content hash in their name: cacheable for good. The page itself is not.
      const cache = path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-store';
      files.set(path, {
        body,
        headers: {
          'content-type': type,
          'cache-control': cache,
          'content-security-policy': DASHBOARD_CSP,
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-resource-policy': 'same-origin',
          'referrer-policy': 'no-referrer',
          'x-frame-options': 'DENY',
        },
      });
    }
  };
  walk(dir);
  return files;
}

/** The file for a request path under DASHBOARD_PREFIX (`/dashboard/` is index.html), or undefined. */
export function staticFileFor(files: ReadonlyMap<string, StaticFile>, path: string): StaticFile | undefined {
  if (!path.startsWith(DASHBOARD_PREFIX)) return undefined;
  const rest = path.slice(DASHBOARD_PREFIX.length);
  // The app has one page; every other path is looked up exactly (no `..`, no decoding).
  return files.get(rest === '' ? 'index.html' : rest);
}
