// The Node.js server-side JavaScript injection rules.
import { ruleTable } from '../../rules.ts';

export const NODEJS_RULES = ruleTable('nodejs', {
  'nodejs.child-process': {
    paranoia: 1,
    documents: 2,
    score: 5,
    description:
      "the process or module API reached from injected code (`require('child_process')`, `process.mainModule`, `process.binding(`)",
  },
  'nodejs.function-constructor': {
    paranoia: 1,
    score: 5,
    description:
      "code compiled from a string (`this.constructor.constructor('return process')()`, `new Function(…)`)",
  },
  'nodejs.serialized-function': {
    paranoia: 1,
    score: 5,
    description: 'a node-serialize function marker (`_$$ND_FUNC$$_`): code run on unserialize',
  },
  'nodejs.global-access': {
    paranoia: 2,
    score: 3,
    description: 'a Node global named in a value (`process.env`, `global.process`, `__dirname`)',
  },
});
