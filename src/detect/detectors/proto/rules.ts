// The prototype pollution rules.
import { ruleTable } from '../../rules.ts';

export const PROTO_RULES = ruleTable('proto', {
  'proto.proto-key': {
    paranoia: 1,
    score: 5,
    description: 'a `__proto__` member name or path in a key or query, or written as a member in a body',
  },
  'proto.proto-key.header': {
    paranoia: 1,
    score: 3,
    description: '`__proto__` mentioned in a body, header, cookie or path, not written as a member',
  },
  'proto.constructor-prototype': {
    paranoia: 1,
    score: 5,
    description: 'a `constructor.prototype` member path',
  },
});
