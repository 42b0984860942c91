// The remote file inclusion rules.
import { ruleTable } from '../../rules.ts';

export const RFI_RULES = ruleTable('rfi', {
  'rfi.ip-url': {
    paranoia: 1,
    score: 5,
    description: 'a URL to a public IP address naming a script or text file (`http://203.0.113.7/shell.txt`)',
  },
  'rfi.ip-url.plain': {
    paranoia: 1,
    score: 3,
    description: 'a URL to a public IP address as the whole value (`http://203.0.113.7:8080/`)',
  },
  'rfi.truncation': {
    paranoia: 1,
    score: 5,
    description:
      'a URL whose trailing `?`, `#` or NUL cuts the suffix an include appends (`http://x.example/s.txt?`)',
  },
  'rfi.include-parameter': {
    paranoia: 1,
    score: 3,
    description: 'a URL in an include-like parameter (`file=`, `page=`, `include=`, `template=`)',
  },
  'rfi.off-site-url': {
    paranoia: 2,
    score: 2,
    description: 'a URL with a script or text file extension as the whole value (`http://x.example/a.php`)',
  },
});
