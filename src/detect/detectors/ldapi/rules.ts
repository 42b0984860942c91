// The LDAP injection rules.
import { ruleTable } from '../../rules.ts';

export const LDAPI_RULES = ruleTable('ldapi', {
  'ldapi.filter-breakout': {
    paranoia: 1,
    score: 5,
    description:
      'a value that closes the filter and opens another with a wildcard or operator (`*)(uid=*))(|(uid=*`)',
  },
  'ldapi.filter-breakout.weak': {
    paranoia: 1,
    score: 3,
    description: 'a value that closes the filter and opens a plain filter item (`x)(cn=a`)',
  },
  'ldapi.extensible-match': {
    paranoia: 1,
    score: 5,
    description:
      'a value that closes the filter and opens an extensible match (`x)(uid:1.2.840.113556.1.4.803:=2`, `*)(cn:dn:=admin`)',
  },
  'ldapi.probe': {
    paranoia: 1,
    score: 5,
    description:
      'a value of filter symbols alone with a wildcard and an operator or unbalanced parenthesis (`*|`, `(*)*)`, XPath `//*`)',
  },
  'ldapi.probe.symbol': {
    paranoia: 2,
    score: 3,
    description: 'a single parenthesis or filter operator as the whole value (`(`, `)`, `|`, `&`)',
  },
  'ldapi.filter-close': {
    paranoia: 1,
    score: 5,
    description: 'a filter item followed by more closing parentheses than it opened (`uid=admin))`)',
  },
  'ldapi.filter': { paranoia: 1, score: 2, description: 'a value that is itself a filter item (`(cn=a)`)' },
});
