// The server-side request forgery rules.
import { ruleTable } from '../../rules.ts';

export const SSRF_RULES = ruleTable('ssrf', {
  'ssrf.scheme': {
    paranoia: 1,
    score: 5,
    description:
      'a URL with a scheme that reaches non-HTTP services (`gopher://`, `dict://`, `ldap://`, `sftp://`) leading the value',
  },
  'ssrf.scheme.embedded': {
    paranoia: 1,
    score: 3,
    description:
      'a URL with a scheme only used to smuggle bytes to a service (`gopher://`, `dict://`, `jar:`) inside other text',
  },
  'ssrf.metadata': {
    paranoia: 1,
    score: 5,
    description:
      'a cloud metadata endpoint (`169.254.169.254`, `metadata.google.internal`, a metadata API path such as `/latest/meta-data/` behind any host) or a wildcard-DNS name for an internal address',
  },
  'ssrf.metadata.path.embedded': {
    paranoia: 1,
    score: 3,
    description: 'a URL to a metadata API path (`/computeMetadata/v1/`) inside other text',
  },
  'ssrf.internal-host': {
    paranoia: 1,
    documents: 2,
    score: 5,
    description:
      'a URL leading the value (or a `?url=` parameter, a path segment, a scheme-less `127.0.0.1/admin`) to a loopback, private or internal host in any IP notation (`0x7f.1`, `o177.0.0.1`), or to a name that resolves or redirects there (`127.0.0.1.nip.io`, `lvh.me`, DNS rebinders)',
  },
  'ssrf.internal-host.redirect': {
    paranoia: 3,
    score: 3,
    description:
      'a loopback, private or internal URL in a parameter the browser is sent to (`redirect_uri`, `return_to`, `RelayState`): OAuth native apps redirect to a loopback port (RFC 8252 §7.3); the server fetches nothing',
  },
  'ssrf.internal-host.embedded': {
    paranoia: 1,
    documents: 2,
    score: 2,
    description:
      'a URL to a loopback or internal host inside other text (a proxy setting in documentation), or leading the value to a `*.localhost` development host',
  },
  'ssrf.private-host.embedded': {
    paranoia: 3,
    score: 2,
    description: 'a URL to a private (RFC 1918) address or a `*.localhost` name inside other text',
  },
  'ssrf.internal-service': {
    paranoia: 1,
    score: 5,
    description:
      'a URL leading the value to an intranet name (one label) with the API of a service that trusts its network (`http://docker/containers/json`, `/v2/keys`, `/actuator/`)',
  },
  'ssrf.private-host': {
    paranoia: 1,
    score: 3,
    description:
      'a URL leading the value to a private (RFC 1918) address: configuration data at paranoia 1, decisive from 2',
  },
  'ssrf.private-host.credentials': {
    paranoia: 1,
    score: 2,
    description:
      'a URL with its own `user:password` to a private address (`https://user:pw@192.168.0.1:9200`): a connection setting, flagged',
  },
  'ssrf.bare-host.loopback': {
    paranoia: 1,
    score: 3,
    description: 'a bare loopback address or internal name as the value (`127.0.0.1:8080`)',
  },
  'ssrf.bare-host.private': {
    paranoia: 2,
    score: 2,
    description: 'a bare private address as the value (`10.0.0.7`)',
  },
  'ssrf.xmlrpc-fetch': {
    paranoia: 1,
    score: 5,
    description:
      'an XML-RPC call of a method that makes the server fetch a URL the caller names (`pingback.ping`: WordPress pingback SSRF and reflection)',
  },
  'ssrf.obfuscated-host': {
    paranoia: 1,
    score: 5,
    description:
      'a URL host spelled in compatibility characters (circled or full-width letters, `。`) that IDNA maps to ASCII',
  },
});
