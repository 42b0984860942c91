// The list of detectors the engine runs, in a fixed order.
import type { Detector } from '../types.ts';
import { cmdiDetector } from './cmdi/cmdi.ts';
import { crlfDetector } from './crlf/crlf.ts';
import { javaDetector } from './java/java.ts';
import { jndiDetector } from './jndi/jndi.ts';
import { ldapiDetector } from './ldapi/ldapi.ts';
import { nodejsDetector } from './nodejs/nodejs.ts';
import { nosqliDetector } from './nosqli/nosqli.ts';
import { phpDetector } from './php/php.ts';
import { protoDetector } from './proto/proto.ts';
import { protocolDetector } from './protocol/protocol.ts';
import { rfiDetector } from './rfi/rfi.ts';
import { scannerDetector } from './scanner/scanner.ts';
import { sqliDetector } from './sqli/sqli.ts';
import { ssiDetector } from './ssi/ssi.ts';
import { ssrfDetector } from './ssrf/ssrf.ts';
import { sstiDetector } from './ssti/ssti.ts';
import { traversalDetector } from './traversal/traversal.ts';
import { xssDetector } from './xss/xss.ts';
import { xxeDetector } from './xxe/xxe.ts';

/** Every detector, one per category. */
export const DETECTORS: readonly Detector[] = [
  // Order breaks ties between equally strong findings: specific grammars before generic ones
  // (an XXE's `file:///etc/passwd` is reported as XXE, not as traversal).
  sqliDetector,
  nosqliDetector,
  xssDetector,
  xxeDetector,
  jndiDetector,
  javaDetector,
  nodejsDetector,
  sstiDetector,
  phpDetector,
  ssiDetector,
  ldapiDetector,
  crlfDetector,
  protoDetector,
  cmdiDetector,
  traversalDetector,
  ssrfDetector,
  rfiDetector,
  scannerDetector,
  protocolDetector,
];
