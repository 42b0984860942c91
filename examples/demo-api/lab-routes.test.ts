// Tests of the demo API's injection lab over sockets: each planted flaw answers in vulnerable mode
// only, and the in-memory shell/SQL models only "run" what escapes the quoting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { injectedShellSleep, injectedSqlSleep, renderUnsafe } from './lab-routes.ts';
import { type DemoApi, startDemoApi } from './server.ts';

let vulnerable: DemoApi;
let secure: DemoApi;
let classic: DemoApi;

async function token(api: DemoApi): Promise<string> {
  const res = await fetch(`${api.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bob@example.com', password: 'bob-password' }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function get(api: DemoApi, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${await token(api)}` } });
  return { status: res.status, body: await res.text() };
}

async function post(api: DemoApi, path: string, body: unknown): Promise<{ status: number; body: string }> {
  const res = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(api)}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

describe('lab-routes', () => {
  before(async () => {
    vulnerable = await startDemoApi({ vulnerable: true });
    secure = await startDemoApi({ secure: true });
    classic = await startDemoApi();
  });

  after(async () => {
    await Promise.all([vulnerable.close(), secure.close(), classic.close()]);
  });

  describe('demo API injection lab', () => {
    it('serves documents in both modes and /etc/passwd through ../ only when vulnerable', async () => {
      for (const api of [vulnerable, secure]) assert.equal((await get(api, '/docs/welcome.txt')).status, 200);
      const traversal = `/docs/${encodeURIComponent('../../etc/passwd')}`;
      assert.match((await get(vulnerable, traversal)).body, /root:x:0:0/);
      assert.equal((await get(secure, traversal)).status, 404);
    });

    it('renders {{a*b}} in report previews only when vulnerable', async () => {
      assert.match((await post(vulnerable, '/reports/preview', { title: 'x {{12*11}}' })).body, /x 132/);
      assert.match((await post(secure, '/reports/preview', { title: 'x {{12*11}}' })).body, /\{\{12\*11\}\}/);
    });

    it('takes a $ne password filter as a match only when vulnerable', async () => {
      const login = (api: DemoApi) =>
        fetch(`${api.url}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'bob@example.com', password: { $ne: 'nothing' } }),
        });
      assert.equal((await login(vulnerable)).status, 200);
      assert.equal((await login(secure)).status, 400);
    });

    it('refuses a ping host that is not a host name when secure', async () => {
      assert.equal((await get(secure, '/tools/ping?host=a%3Bsleep%200')).status, 400);
      assert.equal((await get(vulnerable, '/tools/ping?host=a%3Bsleep%200')).status, 200);
      assert.equal((await get(secure, '/reports')).status, 200);
    });

    it('is absent from the default mode', async () => {
      const res = await fetch(`${classic.url}/tools/ping?host=localhost`);
      assert.equal(res.status, 404);
    });

    it('models injected sleeps only outside quotes and only as separate shell commands', () => {
      assert.equal(injectedSqlSleep("SELECT 1 WHERE t = 'a' AND SLEEP(1)-- '"), 1);
      assert.equal(injectedSqlSleep("SELECT 1 WHERE t = 'a'' AND SLEEP(1)-- '"), 0);
      assert.equal(injectedSqlSleep("SELECT 1 WHERE t = 'a';SELECT pg_sleep(9)-- '"), 2);
      assert.equal(injectedShellSleep('a;sleep 1'), 1);
      assert.equal(injectedShellSleep('a$(sleep 1)'), 1);
      assert.equal(injectedShellSleep('sleep 1'), 0);
      assert.equal(renderUnsafe('{{ 3 * 4 }} {{x}}'), '12 {{x}}');
    });
  });
});
