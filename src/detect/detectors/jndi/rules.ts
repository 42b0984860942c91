// biome-ignore-all lint/suspicious/noTemplateCurlyInString: descriptions quote literal `${…}` expressions.
// The JNDI lookup (Log4Shell) rules.
import { ruleTable } from '../../rules.ts';

export const JNDI_RULES = ruleTable('jndi', {
  'jndi.lookup': {
    paranoia: 1,
    score: 5,
    description: 'a Log4j `${jndi:…}` lookup, also when built from nested lookups (`${${lower:j}ndi:…}`)',
  },
  'jndi.nested-lookup': {
    paranoia: 2,
    score: 3,
    description: 'nested Log4j lookups that build a name (`${${env:X:-j}…}`)',
  },
});
