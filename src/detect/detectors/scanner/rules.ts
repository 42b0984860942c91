// The scanner and out-of-band fingerprint rules.
import { ruleTable } from '../../rules.ts';

export const SCANNER_RULES = ruleTable('scanner', {
  'scanner.user-agent': {
    paranoia: 1,
    score: 5,
    description: 'the User-Agent of an attack tool (`sqlmap`, `nikto`, `nuclei`, `acunetix`, `wpscan`)',
  },
  'scanner.header': {
    paranoia: 1,
    score: 5,
    description: 'a header only scanners send (`Acunetix-Aspect`, `X-Scanner`, `X-Wipp`)',
  },
  'scanner.callback-domain': {
    paranoia: 1,
    score: 5,
    description:
      'a callback domain of an out-of-band testing service (`*.oastify.com`, `*.interact.sh`, `*.dnslog.cn`)',
  },
});
