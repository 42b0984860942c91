// The notes lab's planted flaws (README.md) as the scanner reports them: check, operation, and a
// pattern of the finding's title. Shared by the tests that find them and those that fix them.

/** One planted flaw: the check that finds it, the operation it names, a pattern of its title. */
export type PlantedFlaw = readonly [check: string, operation: string, title: RegExp];

/** Every flaw of the vulnerable mode. */
export const PLANTED: readonly PlantedFlaw[] = [
  ['authentication', 'GET /api/v2/me', /weak HS256 key/],
  ['bola', 'GET /api/v2/notes/{slug}', /reads user A's object/],
  ['bola', 'PUT /api/v2/users/{username}/password', /changes user A's password/],
  ['mass-assignment', 'POST /api/v2/signup', /role/],
  ['mass-assignment', 'PATCH /api/v2/me', /own profile: role/],
  ['transport', '*', /look-alike origins/],
  ['undocumented', 'GET /api/v2/actuator/env', /Undocumented endpoint/],
  ['bfla', 'DELETE /api/v2/users/{username}', /Self-registered/],
  ['data-exposure', 'GET /api/v2/directory', /Credentials/],
  ['ssrf', 'POST /api/v2/webhooks/test', /"url"/],
  ['rate-limit', 'POST /oauth/token', /rate limit/],
];

/** The vulnerable mode's signing key (six digits), for tests that forge a token with it. */
export const LAB_WEAK_KEY = '402715';
