// What a URL's host and path say about where a forged request goes: internal names, non-public
// addresses in any notation, public names that resolve or redirect to an address of the caller's
// choosing, and the paths of cloud instance metadata APIs.
import { classifyHostLiteral } from '../../../lib/ip-address.ts';

/** Names that resolve inside the network, or (the public ones) always to loopback. */
const INTERNAL_NAMES = [
  'localhost',
  'ip6-localhost',
  'ip6-loopback',
  'rancher-metadata',
  'metadata.google.internal',
  'metadata',
  'instance-data',
  'kubernetes.default',
  'metadata.azure.com',
  // Private-use top-level names: `internal` (ICANN, 2024; `host.docker.internal` is the container
  // host, `*.ec2.internal` an AWS instance) and the Kubernetes cluster domain.
  'internal',
  'cluster.local',
  // Public DNS names that answer 127.0.0.1 for themselves and every subdomain (local development).
  'localtest.me',
  'lvh.me',
  'vcap.me',
  'lacolhost.com',
];
const DOTTED_NAMES = INTERNAL_NAMES.map((name) => `.${name}`);
/** Wildcard DNS services that resolve `<ip>.nip.io` (or `<ip-with-dashes>.sslip.io`) to `<ip>`. */
const WILDCARD_DNS = ['.nip.io', '.xip.io', '.sslip.io', '.nip.direct', '.traefik.me'];
/**
 * Public services that hand a request on to an address written in the name: redirectors
 * (`302.r3dir.me` encodes its target) and DNS rebinders (`7f000001.c0a80001.rbndr.us`,
 * `make-1.2.3.4-rebind-127.0.0.1-rr.1u.ms`), which pass a filter that resolves the name once.
 */
const FORWARDING_SERVICES = ['r3dir.me', 'rbndr.us', '1u.ms'];

/** Why a host points inside: what the address classifier says, or one of the reasons above. */
export type InternalReason =
  | 'internal-name'
  | 'local-name'
  | 'wildcard-dns'
  | 'forwarding-service'
  | 'metadata'
  | 'loopback'
  | 'private'
  | (string & {});

/**
 * An IPv4 address with a radix marker but no leading zero (`o177.0.0.1`, `q177.0.0.1` octal,
 * `x7f.0.0.1` hex): lenient parsers and obfuscation tools read them as numbers. A DNS name never
 * ends in an all-numeric label (WHATWG URL §3.5, "ends in a number"), so only address text does.
 */
function radixMarked(host: string): string | undefined {
  const parts = host.split('.');
  const last = parts[parts.length - 1]!;
  if (parts.length < 2 || parts.length > 4 || !/^\d+$/.test(last)) return undefined;
  let marked = false;
  const read = parts.map((part) => {
    const octal = /^0?[oq]([0-7]+)$/.exec(part);
    if (octal !== null) {
      marked = true;
      return `0${octal[1]}`;
    }
    const hex = /^x([0-9a-f]+)$/.exec(part);
    if (hex !== null) {
      marked = true;
      return `0x${hex[1]}`;
    }
    return part;
  });
  return marked ? classifyHostLiteral(read.join('.')) : undefined;
}

/** Why `host` (lower case, port and userinfo removed) points inside; undefined when it does not. */
export function internalReason(rawHost: string): InternalReason | undefined {
  const host = rawHost.replace(/\.$/, '');
  if (host.length === 0) return undefined;
  for (let i = 0; i < INTERNAL_NAMES.length; i++) {
    if (host === INTERNAL_NAMES[i]) return 'internal-name';
    // `github.localhost` and the like name development installs in API documents (RFC 6761 §6.3).
    if (host.endsWith(DOTTED_NAMES[i]!)) return i === 0 ? 'local-name' : 'internal-name';
  }
  // Every inet_aton form starts with a digit and every IPv6 literal has a `:`: a host name is neither.
  const first = host.charCodeAt(0);
  const literal = (first >= 48 && first <= 57) || host.includes(':') ? classifyHostLiteral(host) : undefined;
  if (literal !== undefined) return literal;
  if (first >= 97 && first <= 122) {
    const marked = radixMarked(host);
    if (marked !== undefined) return marked;
  }
  for (const suffix of WILDCARD_DNS) {
    if (host.endsWith(suffix)) {
      const inner = host.slice(0, -suffix.length).replaceAll('-', '.');
      const parts = inner.split('.');
      if (classifyHostLiteral(parts.slice(-4).join('.')) !== undefined) return 'wildcard-dns';
    }
  }
  for (const service of FORWARDING_SERVICES) if (host.endsWith(`.${service}`)) return 'forwarding-service';
  return undefined;
}

/**
 * Paths of instance metadata APIs, as they start a URL's path: AWS (`/latest/meta-data`, also
 * under a dated version), Lambda's runtime API, GCP, Azure (instance and managed identity), Oracle,
 * OpenStack, Hetzner. They have no use but reaching an instance's credentials from inside it.
 */
const METADATA_PATHS = [
  '/computemetadata/v1',
  '/metadata/instance',
  '/metadata/identity/oauth2',
  '/opc/v1/instance',
  '/opc/v2/instance',
  '/openstack/latest/meta_data',
  '/hetzner/v1/metadata',
];
/** What follows `/latest/` or `/<yyyy-mm-dd>/` in the AWS instance metadata and Lambda runtime APIs. */
const AWS_METADATA_TAILS = ['meta-data', 'user-data', 'api/token', 'dynamic/instance-identity', 'runtime/'];

/** Whether `path` (lower case, from the `/` after the authority) is a metadata API path. */
export function isMetadataPath(path: string): boolean {
  for (const prefix of METADATA_PATHS) if (path.startsWith(prefix)) return true;
  let rest: string | undefined;
  if (path.startsWith('/latest/')) rest = path.slice(8);
  else if (/^\/\d{4}-\d\d-\d\d\//.test(path)) rest = path.slice(12);
  return rest !== undefined && AWS_METADATA_TAILS.some((tail) => rest.startsWith(tail));
}

/**
 * APIs of services that listen inside a network without authentication, the usual second step of
 * a forged request: Docker Engine, etcd, the Kubernetes API and kubelet, Consul, Elasticsearch,
 * CouchDB, Spring Boot actuators. A version segment may lead (`/v1.24/containers/json`).
 */
const SERVICE_PATHS = [
  '/containers/json',
  '/containers/create',
  '/images/json',
  '/v2/keys',
  '/v3/kv/',
  '/api/v1/namespaces',
  '/api/v1/secrets',
  '/api/v1/pods',
  '/runningpods',
  '/v1/agent/',
  '/v1/kv/',
  '/_cat/',
  '/_cluster/',
  '/_all_dbs',
  '/actuator/',
];

/** Whether `path` (lower case, from the `/` after the authority) is an internal service's API. */
export function isServicePath(path: string): boolean {
  const unversioned = /^\/v\d{1,2}\.\d{1,3}\//.test(path) ? path.slice(path.indexOf('/', 1)) : path;
  return SERVICE_PATHS.some((prefix) => unversioned.startsWith(prefix));
}

/** A host name of one label (`foo`, `redis`): it resolves only through the network's own DNS. */
export function isSingleLabel(host: string): boolean {
  return /^[a-z][a-z0-9_-]{0,62}$/.test(host);
}
