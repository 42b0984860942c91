// Tests of verify's plan: which routes must refuse anonymous callers, the burst that must see a 429,
// and which contract operations carry the unknown-field probes.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { demoConfigText } from '../../config/defaults.ts';
import { loadConfigText } from '../../config/load.ts';
import { POLICY_DEFINITIONS } from '../../policies/registry.ts';
import { concretePath, planOf } from './plan.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

async function plans(text: string) {
  const loaded = await loadConfigText(text, resolve(ROOT, 'rampart.yaml'), POLICY_DEFINITIONS);
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
  return planOf(loaded.config, resolve(ROOT, 'rampart.yaml'));
}

describe('verify plan', () => {
  it('takes optional api keys as required unless an authorize rule makes the path public', async () => {
    const all = await plans(demoConfigText('http://127.0.0.1:1', { http: 0, admin: 0 }));
    const byRoute = Object.fromEntries(all.map((p) => [p.route, p.authn]));
    assert.deepEqual(byRoute.health, []);
    assert.deepEqual(byRoute.users, ['api-key', 'authorize']);
    assert.deepEqual(byRoute.admin, ['api-key', 'authorize']);
  });

  it('sizes the burst on the tightest rule, skips monitor mode and finds contract operations', async () => {
    const [users, orders] = await plans(`version: 1
upstreams: { app: { url: http://127.0.0.1:1 } }
routes:
  - name: users
    match: { path: /users }
    upstream: app
    policies:
      api-key: {}
      rate-limit: { rules: [{ name: wide, limit: 100/m }, { name: tight, limit: 10/s, algorithm: token-bucket, burst: 20 }] }
      openapi-validate: { spec: examples/demo-api/openapi.yaml }
  - name: orders
    match: { path: /orders/:id, methods: [DELETE, GET] }
    upstream: app
    policies:
      api-key: { mode: monitor }
`);
    assert.deepEqual(users?.limit, { rule: 'tight', burst: 23 });
    assert.deepEqual(
      users?.fields.map((f) => `${f.where} ${f.op.method} ${f.path}`),
      ['query GET /users', 'body POST /users'],
    );
    assert.deepEqual(orders?.authn, []);
    assert.equal(orders?.method, 'GET');
    assert.equal(orders?.path, '/orders/1');
  });

  it('fills route parameters and wildcards', () => {
    assert.equal(concretePath('/users/:id/orders/*'), '/users/1/orders/verify');
  });
});
