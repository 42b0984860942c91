// The PHP code injection rules.
import { ruleTable } from '../../rules.ts';

export const PHP_RULES = ruleTable('php', {
  'php.open-tag': {
    paranoia: 1,
    score: 5,
    description: 'a PHP open tag followed by code (`<?php`, `<?=` with a variable or call)',
  },
  'php.function-call': {
    paranoia: 1,
    score: 5,
    description:
      'a code-execution or file function called with code-shaped arguments (`system("id")`, `eval($_POST[x])`, `assert(…)`)',
  },
  'php.function-call.bare': {
    paranoia: 2,
    score: 3,
    description: 'a code-execution function called with other arguments',
  },
  'php.superglobal': {
    paranoia: 1,
    score: 3,
    description: 'a request superglobal (`$_GET[`, `$_POST`, `$_REQUEST`, `$_SERVER`, `$GLOBALS`)',
  },
  'php.chr-chain': {
    paranoia: 1,
    score: 5,
    description: 'strings built from `chr()` calls joined by `.` (filter evasion)',
  },
  'php.serialized-object': {
    paranoia: 1,
    score: 5,
    description: 'a PHP serialized object (`O:8:"Classname":1:{…}`) handed to `unserialize`',
  },
  'php.serialized-array': {
    paranoia: 2,
    score: 2,
    description: 'a PHP serialized array (`a:2:{s:1:"x";…}`)',
  },
  'php.script-upload': {
    paranoia: 1,
    score: 5,
    description:
      'an uploaded filename with a PHP extension (`shell.php`, `x.phtml`, `a.php.jpg`, `.htaccess`)',
  },
});
