// The detect policy definition (threat): the threat-detection engine in front of the upstream.
import { definePolicy } from '../policy.ts';
import { detectConfig } from './config.ts';
import { createDetect } from './detect.ts';

/** Inspects query, headers, cookies and body for injection attacks; denies 403 above the threshold. */
export const detect = definePolicy({
  name: 'detect',
  stage: 'threat',
  description:
    'Detects injection attacks (SQL, NoSQL, XSS, command, traversal, SSRF, XXE, SSTI, LDAP, CRLF, prototype pollution, JNDI) in requests.',
  config: detectConfig,
  errors: ['RAMPART_THREAT_DETECTED', 'RAMPART_THREAT_INSPECTION_BUDGET'],
  create: (config, deps) => createDetect(config, deps),
});
