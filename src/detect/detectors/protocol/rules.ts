// The protocol anomaly rules: flags at paranoia 1 (score 3), decisive from paranoia 2 (threshold 3).
import { ruleTable } from '../../rules.ts';

export const PROTOCOL_RULES = ruleTable('protocol', {
  'protocol.framing-conflict': {
    paranoia: 1,
    score: 5,
    description:
      'a request framed by both Content-Length and Transfer-Encoding (request smuggling, RFC 9112 §6.1)',
  },
  'protocol.session-id-parameter': {
    paranoia: 1,
    score: 3,
    description: 'a session id set through a query parameter (`?PHPSESSID=…`): session fixation',
  },
  'protocol.content-type': {
    paranoia: 1,
    score: 3,
    description: 'a malformed Content-Type, or several media types in one (RFC 9110 §8.3)',
  },
  'protocol.charset': {
    paranoia: 1,
    score: 3,
    description:
      'a charset other than UTF-8, US-ASCII, ISO-8859-1/15, UTF-16 or windows-1252 (UTF-7, IBM037: decoder tricks)',
  },
  'protocol.content-length': {
    paranoia: 1,
    score: 3,
    description: 'a Content-Length that is not one decimal number',
  },
  'protocol.transfer-encoding': {
    paranoia: 1,
    score: 3,
    description: 'a transfer coding other than chunked, identity or a compression (request smuggling probes)',
  },
  'protocol.range': {
    paranoia: 1,
    score: 3,
    description: 'an invalid Range (not `bytes=`, start after end) or more than five ranges',
  },
  'protocol.parameter-pollution': {
    paranoia: 3,
    score: 3,
    description: 'the same query parameter given more than once (HTTP parameter pollution)',
  },
});
