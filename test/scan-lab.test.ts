// End-to-end tests of `rampart scan` against the notes lab (examples/lab-api): a second API in another
// style (slugs and user names as ids, versioned paths, an OAuth2 form login, create answers without
// ids, admin functions marked only in descriptions, a URL the server fetches). Every planted flaw is
// found, confirmed by effect, each with the Rampart policy block that would refuse it; none in the
// fixed mode; the lab's own accounts survive. That the fix blocks load and hold through a gateway is
// scan-fix.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PLANTED } from '../examples/lab-api/planted.ts';
import { type LabApi, startLabApi } from '../examples/lab-api/server.ts';
import { loadAuthProfile } from '../src/scanner/identities.ts';
import { runScan, type ScanResult } from '../src/scanner/runner.ts';
import { loadScanSpecs } from '../src/scanner/spec.ts';

const SPEC = fileURLToPath(new URL('../examples/lab-api/openapi.yaml', import.meta.url));
const AUTH = fileURLToPath(new URL('../examples/lab-api/scan-auth.yaml', import.meta.url));
const operations = loadScanSpecs([SPEC]);
const identities = loadAuthProfile(AUTH);

let vulnerable: LabApi;
let fixed: LabApi;
let found: ScanResult;

async function token(url: string, username: string, password: string): Promise<number> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password }),
  });
  await res.arrayBuffer();
  return res.status;
}

before(async () => {
  vulnerable = await startLabApi({ vulnerable: true });
  fixed = await startLabApi();
  // The lab's key is six digits: recovery runs to the end of its keyspace whatever the machine's speed.
  found = await runScan({
    target: new URL(vulnerable.url),
    operations,
    identities,
    jwtCrackMs: Number.POSITIVE_INFINITY,
  });
});

after(async () => {
  await Promise.all([vulnerable.close(), fixed.close()]);
});

describe('rampart scan against the notes lab', () => {
  it('finds every planted flaw of the vulnerable mode, each with its fix block', () => {
    const missing = PLANTED.filter(
      ([check, operation, title]) =>
        !found.findings.some((f) => f.check === check && f.operation === operation && title.test(f.title)),
    );
    assert.deepEqual(missing, []);
    for (const f of found.findings)
      assert.ok(f.fix !== undefined && Object.keys(f.fix.policies).length > 0, f.title);
    assert.ok(found.fixes.length > 0);
  });

  it('confirms by effect: the victim logs in with the attacker password, the self-made admin deletes', () => {
    const change = found.findings.find((f) => f.check === 'bola' && /password/.test(f.title));
    assert.match(change?.evidence[1]?.note ?? '', /logs in with it/);
    const chain = found.findings.find((f) => f.check === 'bfla');
    assert.match(chain?.evidence[1]?.response ?? '', /^404/);
  });

  it('leaves the lab accounts usable and reports what it could not remove', async () => {
    for (const name of ['ada', 'bo', 'cy'])
      assert.equal(await token(vulnerable.url, name, `${name}-password`), 200);
    assert.deepEqual(found.leftovers, []);
  });

  it('counts what each check tested and never calls the operation that resets the data', () => {
    const bola = found.checks.find((c) => c.id === 'bola');
    assert.ok((bola?.tested ?? 0) >= 2);
    assert.deepEqual(found.destructiveSkipped, ['POST /api/v2/maintenance/reset']);
    assert.equal(vulnerable.resets(), 0);
  });

  it('reports nothing against the fixed mode', async () => {
    const result = await runScan({ target: new URL(fixed.url), operations, identities, jwtCrackMs: 2000 });
    assert.deepEqual(
      result.findings.map((f) => `${f.check} ${f.operation} ${f.title}`),
      [],
    );
    // bo is the account login probes run against, so the fixed lab's lockout holds it for a minute.
    for (const name of ['ada', 'cy']) assert.equal(await token(fixed.url, name, `${name}-password`), 200);
  });
});
