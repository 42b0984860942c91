// The server-side include rules.
import { ruleTable } from '../../rules.ts';

export const SSI_RULES = ruleTable('ssi', {
  'ssi.directive': {
    paranoia: 1,
    score: 5,
    description: 'a server-side include directive (`<!--#exec cmd=…-->`, `<!--#include virtual=…-->`)',
  },
  'ssi.esi': {
    paranoia: 1,
    score: 5,
    description: 'an Edge Side Include tag (`<esi:include src=…>`, `<esi:vars>`)',
  },
});
