// The path traversal and local file inclusion rules.
import { ruleTable } from '../../rules.ts';

export const TRAVERSAL_RULES = ruleTable('traversal', {
  'traversal.escape': {
    paranoia: 1,
    score: 5,
    description: 'a path that climbs above its root after decoding (`../../`, `..%c0%af`, `....//`)',
  },
  'traversal.dot-segment': {
    paranoia: 1,
    score: 3,
    description: 'a path that climbs one level above its start',
  },
  'traversal.dot-segment.inside': {
    paranoia: 2,
    score: 2,
    description: 'a `..` segment that stays inside its directory (`a/../b`)',
  },
  'traversal.wrapper': {
    paranoia: 1,
    score: 5,
    description:
      'a stream wrapper or filter leading a path (`php://filter`, `zip://`, `phar://`, `expect://`)',
  },
  'traversal.wrapper.embedded': { paranoia: 2, score: 2, description: 'a stream wrapper inside other text' },
  'traversal.file-url': {
    paranoia: 1,
    score: 3,
    description: 'a `file://` URL as the value (decisive with a system path or a sensitive file)',
  },
  'traversal.file-url.embedded': { paranoia: 2, score: 2, description: 'a `file://` URL inside other text' },
  'traversal.sensitive-file': {
    paranoia: 1,
    score: 5,
    description:
      'a well-known sensitive file in a path-shaped value (`/etc/passwd`, `boot.ini`, `.ssh/id_rsa`)',
  },
  'traversal.sensitive-file.text': {
    paranoia: 3,
    score: 2,
    description: 'a sensitive file named inside prose',
  },
  'traversal.sensitive-file.name': {
    paranoia: 2,
    score: 2,
    description: 'a sensitive file name alone (`authorized_keys`)',
  },
  'traversal.system-path': {
    paranoia: 1,
    score: 5,
    description: 'an absolute path into a system directory (`/etc/…`, `/proc/…`, `C:/Windows/…`)',
  },
  'traversal.system-path.root': {
    paranoia: 1,
    score: 3,
    description:
      'a system directory named alone (`/etc`, `/usr`, `/lib`): a listing probe, or a path a configuration holds',
  },
  'traversal.drive-path': { paranoia: 1, score: 3, description: 'an absolute Windows drive path' },
});
