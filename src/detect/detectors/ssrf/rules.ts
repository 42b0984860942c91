// The server-side request forgery rules.
import { ruleTable } from '../../rules.ts';

export const SSRF_RULES = ruleTable('ssrf', {
  'ssrf.scheme': {
    paranoia: 1,
    score: 5,
    description:
      'a URL with a scheme that reaches non-HTTP services (`gopher://`, `dict://`, `ldap://`) leading the value',
  },
  'ssrf.scheme.embedded': { paranoia: 1, score: 3, description: 'such a URL inside other text' },
  'ssrf.metadata': {
    paranoia: 1,
    score: 5,
    description:
      'a cloud metadata endpoint (`169.254.169.254`, `metadata.google.internal`) or a wildcard-DNS name for an internal address',
  },
  'ssrf.internal-host': {
    paranoia: 1,
    score: 5,
    description:
      'a URL leading the value (or a `?url=` parameter) to a loopback, private or internal host, in any IP notation',
  },
  'ssrf.internal-host.embedded': {
    paranoia: 1,
    score: 3,
    description: 'a URL to an internal host inside other text, or to a `*.localhost` development host',
  },
  'ssrf.private-host': {
    paranoia: 1,
    score: 3,
    description:
      'a URL leading the value to a private (RFC 1918) address: configuration data at paranoia 1, decisive from 2',
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
  'ssrf.obfuscated-host': {
    paranoia: 1,
    score: 5,
    description:
      'a URL host spelled in compatibility characters (circled or full-width letters, `。`) that IDNA maps to ASCII',
  },
});
