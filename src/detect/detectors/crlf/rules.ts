// The CRLF / header injection rules.
import { ruleTable } from '../../rules.ts';

export const CRLF_RULES = ruleTable('crlf', {
  'crlf.mail-header': {
    paranoia: 1,
    score: 5,
    description:
      'a line break followed by a mail header (`\\r\\nBcc:`, `\\nSubject:`): mail header injection',
  },
  'crlf.mail-command': {
    paranoia: 1,
    score: 5,
    description: 'a line break followed by an SMTP or IMAP command (`\\r\\nRCPT TO:`, `\\r\\na1 LOGOUT`)',
  },
  'crlf.line-break': {
    paranoia: 2,
    score: 3,
    description:
      'a query, path, header or cookie value of only line breaks, or with escaped ones (`\\r\\n`, `0x0d0x0a`)',
  },
  'crlf.header-break': { paranoia: 1, score: 5, description: 'a line break inside a header or cookie value' },
  'crlf.header-injection': {
    paranoia: 1,
    score: 5,
    description: 'a line break followed by a response header field (`\\r\\nSet-Cookie:`)',
  },
  'crlf.response-splitting': {
    paranoia: 1,
    score: 5,
    description: 'a line break followed by a status line or markup (`\\r\\nHTTP/1.1 200`)',
  },
});
