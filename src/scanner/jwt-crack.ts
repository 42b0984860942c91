// Offline HS256/384/512 key recovery for a captured JWT: a built-in list of weak secrets with
// common mutations, an optional wordlist file, and short numeric / lowercase / alphanumeric
// keyspaces. No request is sent; the work is bounded by a candidate count and a deadline.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Words seen as signing secrets in tutorials, framework defaults, leaked configs and password lists. */
export const WEAK_WORDS =
  `secret password 123456 changeme your-256-bit-secret jwt_secret secretkey key test admin default
supersecret mysecret jwtsecret qwerty letmein random private token auth access refresh session signing
signature hmac jwt jwtkey jwt-key jwt_key jwtSecret JWT_SECRET SECRET_KEY secret_key secret-key app_secret
appsecret api_secret apisecret apikey api-key api_key master masterkey root toor pass passw0rd p@ssw0rd
password1 password123 admin123 root123 test123 demo sample example hello world helloworld foobar foo bar baz
keyboard keyboardcat shhhhh shhhhhhared-secret s3cr3t s3cret secr3t sekret secreto geheim segreto
development develop dev devsecret production prod staging local localhost server backend frontend express
flask django rails laravel spring node nodejs python java golang rust php ruby dotnet
mysecretkey my_secret_key my-secret-key mysecretpassword thisismysecret thisisasecret topsecret notsosecret
supersecretkey super-secret super_secret verysecret verysecretkey secretpassword secretsecret unsafe insecure
change_me change-me changeit replace_me replaceme todo fixme temp tmp temporary placeholder dummy fake mock
welcome welcome1 iloveyou princess dragon monkey football baseball shadow sunshine trustno1 whatever
abc123 abcdef abcd1234 qwerty123 qwertyuiop asdfgh asdfghjkl zxcvbn zxcvbnm 1q2w3e4r 1qaz2wsx
batman superman starwars pokemon gottacatchemall hunter hunter2 summer winter spring autumn
company internal corp enterprise platform service services gateway api apis rest restapi graphql
user users account accounts customer client clients member login logon signin signup register
money bank wallet crypto bitcoin ethereum blockchain secure security safe protected protect hidden
mykey yourkey thekey newkey oldkey key1 key2 key123 secret1 secret12 secret123 secret1234
vampire vulnerable vuln hacker hack hackme pwned owasp juice juiceshop bwapp dvwa webgoat goat
nodejs-secret express-secret flask-secret django-secret rails-secret laravel-secret
random-secret randomsecret randomkey random_key random-key somerandomkey some-secret somesecret
pleasechangeme please-change-me changemeplease notasecret not-a-secret nosecret none null undefined
true false yes no ok okay 0 1 12 123 1234 12345 1234567 12345678 123456789 1234567890 000000 111111
letmein1 iloveyou1 password! Password Password1 Password123 Secret Secret123 Admin Admin123`.split(/\s+/);

const SUFFIXES = [
  '',
  '1',
  '12',
  '123',
  '1234',
  '!',
  '2023',
  '2024',
  '2025',
  '_key',
  '-key',
  'key',
  '_secret',
  '-secret',
  'secret',
];
/** Keyspaces tried in full: every string of these characters up to these lengths. */
const KEYSPACES: ReadonlyArray<{ chars: string; max: number }> = [
  { chars: '0123456789', max: 6 },
  { chars: 'abcdefghijklmnopqrstuvwxyz', max: 4 },
  { chars: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', max: 3 },
];
/** Bounds on the offline work. */
export const MAX_CANDIDATES = 3_000_000;
export const MAX_CRACK_MS = 30_000;
const MAX_WORDLIST_BYTES = 64 * 1024 * 1024;

const HASHES: Readonly<Record<string, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** Candidate secrets in order: built-in words with mutations, the wordlist, then the keyspaces. */
export function* candidates(wordlist: readonly string[] = []): Generator<string> {
  const seen = new Set<string>();
  for (const word of WEAK_WORDS) {
    if (word === '') continue;
    for (const form of new Set([
      word,
      word.toLowerCase(),
      word[0]!.toUpperCase() + word.slice(1),
      word.toUpperCase(),
    ]))
      for (const suffix of SUFFIXES) {
        const value = form + suffix;
        if (!seen.has(value)) {
          seen.add(value);
          yield value;
        }
      }
  }
  yield* wordlist;
  for (const { chars, max } of KEYSPACES) {
    for (let length = 1; length <= max; length++) yield* strings(chars, length);
  }
}

function* strings(chars: string, length: number): Generator<string> {
  const index = new Array<number>(length).fill(0);
  for (;;) {
    let value = '';
    for (const i of index) value += chars[i]!;
    yield value;
    let at = length - 1;
    while (at >= 0 && index[at] === chars.length - 1) index[at--] = 0;
    if (at < 0) return;
    index[at]! += 1;
  }
}

/** Reads a wordlist file (one secret a line), bounded in size. */
export function readWordlist(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  if (text.length > MAX_WORDLIST_BYTES) throw new RangeError(`wordlist ${file} exceeds 64 MiB`);
  return text.split(/\r?\n/).filter((line) => line !== '');
}

/** What cracking a token gave: the key, or how much was tried. */
export interface CrackResult {
  readonly key: string | undefined;
  readonly tried: number;
  readonly ms: number;
  readonly exhausted: boolean;
}

/** Recovers the HMAC key of a JWT from the candidates; `now` is injectable for the deadline. */
export function crackJwt(
  token: string,
  options: { wordlist?: readonly string[]; maxMs?: number; maxCandidates?: number; now?: () => number } = {},
): CrackResult {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const [h, p, s] = token.split('.');
  const alg = h === undefined ? undefined : headerAlg(h);
  const hash = alg === undefined ? undefined : HASHES[alg];
  if (hash === undefined || p === undefined || s === undefined || s === '')
    return { key: undefined, tried: 0, ms: 0, exhausted: true };
  const signed = Buffer.from(`${h}.${p}`);
  const expected = Buffer.from(s, 'base64url');
  const limit = options.maxCandidates ?? MAX_CANDIDATES;
  const deadline = started + (options.maxMs ?? MAX_CRACK_MS);
  let tried = 0;
  for (const key of candidates(options.wordlist)) {
    if (tried >= limit || (tried % 4096 === 0 && now() > deadline))
      return { key: undefined, tried, ms: now() - started, exhausted: false };
    tried++;
    const digest = createHmac(hash, key).update(signed).digest();
    if (digest.length === expected.length && timingSafeEqual(digest, expected))
      return { key, tried, ms: now() - started, exhausted: false };
  }
  return { key: undefined, tried, ms: now() - started, exhausted: true };
}

function headerAlg(part: string): string | undefined {
  try {
    const head = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof head.alg === 'string' ? head.alg : undefined;
  } catch {
    return undefined;
  }
}
