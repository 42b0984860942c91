// The NoSQL injection rules.
import { ruleTable } from '../../rules.ts';

export const NOSQLI_RULES = ruleTable('nosqli', {
  'nosqli.db-call.text': { paranoia: 1, score: 3, description: 'a MongoDB shell call inside other text' },
  'nosqli.db-call': {
    paranoia: 1,
    score: 5,
    description: 'a MongoDB shell call (`db.users.find(`, `db.getCollectionNames()`, `db.dropDatabase()`)',
  },
  'nosqli.operator': {
    paranoia: 1,
    score: 5,
    description: 'a MongoDB query operator as a member name (`user[$ne]=`, `{"$gt": ""}`)',
  },
  'nosqli.operator.filter': {
    paranoia: 2,
    score: 3,
    description:
      'a query operator under a member that takes a query language (`filters[title][$eq]=`, `{"filter": {"$and": …}}`, `selector`)',
  },
  'nosqli.operator.text': { paranoia: 1, score: 3, description: 'a query operator inside a plain value' },
  'nosqli.script-operator': {
    paranoia: 1,
    score: 5,
    description: 'a server-side JavaScript operator (`$where`, `$function`, `$accumulator`)',
  },
  'nosqli.js-injection': {
    paranoia: 1,
    score: 5,
    description: "a breakout into a `$where` JavaScript string (`'; return true; var x='`)",
  },
});
