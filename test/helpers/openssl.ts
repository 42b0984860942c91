// The openssl CLI for tests that make certificates at test time (CI installs it; a skip reason otherwise).
import { execFileSync } from 'node:child_process';
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

/** `openssl req` arguments for a new P-256 key without a passphrase. */
export const NEW_EC_KEY: readonly string[] = [
  '-newkey',
  'ec',
  '-pkeyopt',
  'ec_paramgen_curve:prime256v1',
  '-nodes',
];

/** Makes a self-signed certificate (`certFile`) and its key (`keyFile`) in `dir`, valid `days`. */
export function selfSigned(dir: string, keyFile: string, certFile: string, subject: string, days = 1): void {
  openssl(dir, [
    'req',
    '-x509',
    ...NEW_EC_KEY,
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    String(days),
    '-subj',
    subject,
  ]);
}

/**
 * Makes a self-signed P-256 certificate valid for a day: `cert.pem` and `key.pem` in `dir` (or the
 * names given), for `subject` (`/CN=localhost`) and, when given, a subjectAltName (`IP:127.0.0.1`).
 */
export function selfSignedCertificate(
  dir: string,
  options: { subject?: string; altName?: string; cert?: string; key?: string } = {},
): { cert: string; key: string } {
  const cert = join(dir, options.cert ?? 'cert.pem');
  const key = join(dir, options.key ?? 'key.pem');
  openssl(dir, [
    'req',
    '-x509',
    ...NEW_EC_KEY,
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    options.subject ?? '/CN=localhost',
    ...(options.altName === undefined ? [] : ['-addext', `subjectAltName=${options.altName}`]),
  ]);
  return { cert, key };
}
