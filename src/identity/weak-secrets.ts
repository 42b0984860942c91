// Whether a shared secret (an HMAC key for HS* JWTs) is guessable: shorter than 256 bits (RFC 7518
// §3.2 requires a key at least as long as the hash output), a well-known default or word, a keyboard
// walk or digit run, or a short pattern repeated. A JWT signed with such a key can be brute-forced
// offline from one token (hashcat mode 16500), so anyone can forge tokens for any subject.

/** The shortest secret accepted without `allowWeakSecret` (HS256 needs 256 bits, RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;

// Our own list of defaults seen in tutorials, framework templates and sample apps, plus common words;
// compared after lower-casing and removing everything but letters and digits.
const COMMON = `
secret secretkey secret1 secret123 secrets mysecret mysecretkey mysecretpassword yoursecret yoursecretkey
thesecret topsecret supersecret supersecretkey verysecret verysecretkey secretpassword secretkey123
jwt jwtsecret jwtkey jwtsecretkey jwttoken jwtsigningkey jwtpassword myjwtsecret jwtsecret123 jwt_secret
token tokensecret tokenkey authsecret authkey authtoken auth signingkey signkey signingsecret hmac
hmacsecret hmackey key key1 key123 mykey privatekey private apikey apisecret api appsecret appkey
app application secretapp clientsecret client sessionsecret session cookie cookiesecret flask
flasksecret django djangosecret djangoinsecure rails railssecret express expresssecret node nodejs
spring springsecret laravel symfony changeme changethis changeit change replaceme replace todo fixme
default defaultsecret defaultkey example examplesecret examplekey sample samplesecret test testing
testsecret testkey test123 dev devsecret development prod production staging local localhost demo
demosecret password password1 password12 password123 password1234 passw0rd p4ssw0rd pass pass123
passwd admin admin123 administrator root toor guest user user123 login welcome welcome1 letmein
iloveyou qwerty qwerty123 qwertyuiop asdf asdfgh asdfghjkl zxcvbnm zxcvbn qazwsx qweasd 1qaz2wsx
1q2w3e4r 1q2w3e qwe123 abc abc123 abcd abcd1234 abcdef abcdefg abcdefgh abcdefghijklmnopqrstuvwxyz
random randomsecret randomkey randomstring random123 somesecret something somethingsecret whatever
anything nothing hello hello123 helloworld world foo bar baz foobar foobarbaz test1 test12 master
monkey dragon shadow sunshine princess football baseball superman batman trustno1 starwars secure
security insecure unsafe notsecret nosecret none null undefined empty blank string mystring
yoursecretstring yourkey your256bitsecret astringsecretatleast256bitslong youshallnotpass opensesame
keyboardcat keyboard cat dog shhh shhhh shh ssh hush quiet hidden private123 confidential
secretsecret secretsecretsecret keykey tokentoken changemeplease pleasechangeme changeinproduction
donotuseinproduction notforproduction insecurekey insecuresecret weak weaksecret weakkey
mysupersecretkey mysupersecret mysupersecretpassword supersecretpassword thisismysecret
thisisasecret thisisasecretkey thisisthesecret thisismysecretkey mysecretkey123 secretkey1234
s3cr3t s3cret secr3t 53cr37 sekret sekrit geheim secreto segredo segreto clave contrasena motdepasse
jsonwebtoken jsonwebtokensecret bearer oauth oauth2 oidc openid keycloak auth0 firebase supabase
nextauth nextauthsecret nuxt vue react angular svelte express123 koa hapi fastify nest nestjs
django123 rails123 phoenix elixir golang rust java python ruby php dotnet csharp aspnet
vampi juiceshop crapi dvwa webgoat owasp hackme hacker pentest ctf flag
ubuntu debian linux windows macos docker kubernetes k8s redis postgres mysql mongodb
company companysecret mycompany internal internalsecret service servicesecret backend frontend
server serversecret serverkey website websecret site`;

const COMMON_SET: ReadonlySet<string> = new Set(COMMON.split(/\s+/).filter((word) => word !== ''));

// Known long defaults copied from documentation and tutorials (hex and phrases ≥ 32 bytes).
const LONG_DEFAULTS: ReadonlySet<string> = new Set([
  '404e635266556a586e3272357538782f413f4428472b4b6250645367566b5970',
  '5367566b59703373367639792f423f4528482b4d6251655468576d5a71347437',
  'thisisaverylongsecretkeyforjwttokens',
  'mysupersecretkeythatisatleast32characterslong',
  'yoursecretkeyshouldbeatleast32characterslong',
  'astringsecretatleast256bitslong',
  'qwertyuiopasdfghjklzxcvbnm123456',
  'abcdefghijklmnopqrstuvwxyz012345',
  'abcdefghijklmnopqrstuvwxyz123456',
]);

// Rows of a keyboard and digit runs: a secret that is a walk along one of them is a guess.
const WALKS = [
  '`1234567890-=',
  'qwertyuiop[]\\',
  "asdfghjkl;'",
  'zxcvbnm,./',
  'abcdefghijklmnopqrstuvwxyz',
  '01234567890123456789',
  '98765432109876543210',
];

function normalized(secret: string): string {
  let out = '';
  for (const c of secret.toLowerCase()) if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  return out;
}

/** Whether the secret is a short unit repeated (`secretsecret…`, `abab…`, `0000…`). */
function isRepetition(text: string): boolean {
  for (let period = 1; period <= 16 && period * 2 <= text.length; period++) {
    let repeated = true;
    for (let i = period; i < text.length; i++) {
      if (text[i] !== text[i - period]) {
        repeated = false;
        break;
      }
    }
    if (repeated) return true;
  }
  return false;
}

function isWalk(text: string): boolean {
  if (text.length < 4) return false;
  return WALKS.some((row) => row.includes(text) || [...row].reverse().join('').includes(text));
}

/** A common word with a digit or year suffix (`secret2024`, `password!1`) counts as the word. */
function stem(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) >= 48 && text.charCodeAt(end - 1) <= 57) end--;
  return text.slice(0, end);
}

/**
 * Why `secret` is weak, or undefined when it is not: a reason fit for a log or a report (it never
 * contains the secret). Bounded work: the secret is read once per check, at most 4 KiB of it.
 */
export function secretWeakness(secret: string): string | undefined {
  const bytes = Buffer.byteLength(secret, 'utf8');
  const text = secret.slice(0, 4096);
  const plain = normalized(text);
  if (COMMON_SET.has(plain) || COMMON_SET.has(stem(plain)) || LONG_DEFAULTS.has(plain))
    return 'a well-known default or common word';
  if (isWalk(text.toLowerCase()) || isWalk(plain)) return 'a keyboard walk or digit run';
  if (isRepetition(text) || (plain.length >= 8 && isRepetition(plain))) return 'a short pattern repeated';
  if (new Set(text).size < 8) return 'too few distinct characters';
  if (bytes < MIN_SECRET_BYTES) return `shorter than ${MIN_SECRET_BYTES} bytes`;
  return undefined;
}
