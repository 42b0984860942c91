// The openssl CLI for tests that make certificates at test time (CI installs it; a skip reason otherwise).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** `false` when openssl runs here, else the reason to skip a suite (for `describe(…, { skip })`). */
export const skipWithoutOpenssl: false | string = opensslAvailable()
  ? false
  : 'the openssl CLI is not installed (needed to make test certificates)';

/** Runs openssl in `dir` (bounded in time; output discarded). */
export function openssl(dir: string, args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 30_000 });
}

/** Makes a self-signed P-256 certificate for `localhost` in `dir` (key.pem, cert.pem); returns the PEMs. */
export function selfSignedLocalhost(dir: string): { key: string; cert: string } {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'key.pem',
    '-out',
    'cert.pem',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost',
  ]);
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
}
