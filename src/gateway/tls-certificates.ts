// The HTTPS listener's certificates: the default pair (`cert`/`key`, and the client CA), more pairs
// chosen by SNI from their own subjectAltName (`certificates`), and an optional OCSP response to staple.
// Files are watched: a renewed certificate is loaded and served to new connections (setSecureContext and
// the SNI table swap), while connections already open keep theirs. A broken or half-written renewal is
// refused and the previous certificates keep serving.
import { createHash, X509Certificate } from 'node:crypto';
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import {
  createSecureContext,
  type SecureContext,
  type SecureContextOptions,
  type Server,
  type TlsOptions,
} from 'node:tls';
import type { StructuredLogger } from '../lib/logger.ts';

/** The certificate settings of `server.https` (paths relative to the config's directory). */
export interface TlsCertificateSettings {
  readonly cert: string;
  readonly key: string;
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly clientCa?: string | undefined;
  readonly certificates?: ReadonlyArray<{ readonly cert: string; readonly key: string }> | undefined;
  /** A DER OCSP response for the default certificate, stapled when a client asks (status_request). */
  readonly ocspResponse?: string | undefined;
}

interface Loaded {
  readonly fingerprint: string;
  readonly defaults: SecureContextOptions;
  readonly sni: ReadonlyArray<{ readonly certificate: X509Certificate; readonly context: SecureContext }>;
  readonly ocsp: Buffer | undefined;
  /** The default certificate's expiry and SHA-256 fingerprint, for the log. */
  readonly summary: { readonly notAfter: string; readonly sha256: string };
}

/** Longest wait after a file event before reloading: renewals write several files in a row. */
const SETTLE_MS = 100;

function load(settings: TlsCertificateSettings, baseDir: string): Loaded {
  const read = (file: string) => readFileSync(resolve(baseDir, file));
  const cert = read(settings.cert);
  const key = read(settings.key);
  const ca = settings.clientCa === undefined ? undefined : read(settings.clientCa);
  const defaults: SecureContextOptions = {
    cert,
    key,
    minVersion: settings.minVersion,
    ...(ca === undefined ? {} : { ca }),
  };
  // Throws when the key does not match the certificate or a file is not PEM: nothing half-loaded serves.
  createSecureContext(defaults);
  const hash = createHash('sha256')
    .update(cert)
    .update(key)
    .update(ca ?? '');
  const sni = (settings.certificates ?? []).map((pair) => {
    const pairCert = read(pair.cert);
    const pairKey = read(pair.key);
    hash.update(pairCert).update(pairKey);
    return {
      certificate: new X509Certificate(pairCert),
      context: createSecureContext({ cert: pairCert, key: pairKey, minVersion: settings.minVersion }),
    };
  });
  const ocsp = settings.ocspResponse === undefined ? undefined : read(settings.ocspResponse);
  if (ocsp !== undefined) hash.update(ocsp);
  const leaf = new X509Certificate(cert);
  return {
    fingerprint: hash.digest('base64url'),
    defaults,
    sni,
    ocsp,
    summary: { notAfter: new Date(leaf.validTo).toISOString(), sha256: leaf.fingerprint256 },
  };
}

/** The listener's certificates, kept current. */
export interface TlsCertificates {
  /** Options for `https.createServer` (default certificate, SNI callback when there are more). */
  readonly serverOptions: TlsOptions;
  /** Watches the files (reporting, never throwing) and applies changes to `server`; staples OCSP. */
  follow(server: Server): void;
  /** Rereads the files now; true when something changed and was applied. Throws when they are bad. */
  reload(): boolean;
  /** Stops watching. */
  close(): void;
}

/** Reads the certificates (throws when they are unusable: a gateway must not start without them). */
export function createTlsCertificates(
  settings: TlsCertificateSettings,
  baseDir: string,
  log: StructuredLogger,
): TlsCertificates {
  let current = load(settings, baseDir);
  let server: Server | undefined;
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const files = [
    settings.cert,
    settings.key,
    settings.clientCa,
    settings.ocspResponse,
    ...(settings.certificates ?? []).flatMap((pair) => [pair.cert, pair.key]),
  ].flatMap((file) => (file === undefined ? [] : [resolve(baseDir, file)]));

  // SNI (RFC 6066 §3): the first extra certificate whose names cover the host name (RFC 6125 matching,
  // wildcards included), else the default one.
  const sniCallback = (servername: string, done: (error: Error | null, context?: SecureContext) => void) => {
    for (const entry of current.sni) {
      if (entry.certificate.checkHost(servername) !== undefined) return done(null, entry.context);
    }
    done(null, undefined);
  };

  const reload = (): boolean => {
    const next = load(settings, baseDir);
    if (next.fingerprint === current.fingerprint) return false;
    current = next;
    // New handshakes use the new default context; connections already open keep the one they have.
    server?.setSecureContext(next.defaults);
    log.info({ event: 'tls.reloaded', ...next.summary, sni: next.sni.length }, 'TLS certificates reloaded');
    return true;
  };
  const reloadQuietly = () => {
    timer = undefined;
    try {
      reload();
    } catch (error) {
      log.error(
        { event: 'tls.reload-failed', reason: (error as Error).message },
        'TLS certificates not reloaded; the previous ones keep serving',
      );
    }
  };

  return {
    serverOptions: {
      ...current.defaults,
      ...(settings.certificates === undefined || settings.certificates.length === 0
        ? {}
        : { SNICallback: sniCallback }),
    },
    follow(listening) {
      server = listening;
      if (settings.ocspResponse !== undefined) {
        // RFC 6066 §8: the response is stapled only to clients that ask for it.
        listening.on(
          'OCSPRequest',
          (_certificate: Buffer, _issuer: Buffer, done: (e: null, r?: Buffer) => void) =>
            done(null, current.ocsp),
        );
      }
      // Directories, not files: renewals replace files by rename (certbot, Kubernetes secret volumes).
      const names = new Map<string, Set<string>>();
      for (const file of files) {
        const inDir = names.get(dirname(file)) ?? new Set<string>();
        inDir.add(basename(file));
        names.set(dirname(file), inDir);
      }
      for (const [dir, wanted] of names) {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          // Kubernetes swaps a `..data` symlink; anything else must be one of the files.
          if (name !== null && !wanted.has(name) && !name.startsWith('..')) return;
          if (timer !== undefined) clearTimeout(timer);
          timer = setTimeout(reloadQuietly, SETTLE_MS);
          timer.unref();
        });
        watcher.on('error', () => watcher.close());
        watchers.push(watcher);
      }
    },
    reload,
    close() {
      if (timer !== undefined) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
