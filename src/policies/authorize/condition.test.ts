import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contextFor } from '../../../test/helpers/context.ts';
import type { Identity } from '../policy.ts';
import { compileCondition } from './condition.ts';

const admin: Identity = {
  consumerId: 'c-1',
  consumerName: 'admin',
  scopes: [],
  method: 'jwt',
  claims: { admin: true, sub: 'admin', tier: 3, org: { id: 'acme' } },
};
const employee = { ...admin, consumerName: 'bob', claims: { admin: false }, enriched: { role: 'Employee' } };

const holds = (source: string, identity: Identity | undefined, rawUrl = '/', params = {}) =>
  compileCondition(source).test({ identity, ctx: contextFor({ rawUrl }), params });

describe('authorize conditions', () => {
  test('compares claims, consumer attributes and enriched members with literals', () => {
    assert.equal(holds('claims.admin == true', admin), true);
    assert.equal(holds('claims.admin == true', employee), false);
    assert.equal(holds('consumer.name == "admin"', admin), true);
    assert.equal(holds('consumer.name != "admin"', admin), false);
    assert.equal(holds('claims.tier == 3 and claims.org.id == "acme"', admin), true);
    assert.equal(holds('enriched.role == "Employee"', employee), true);
    assert.equal(holds('enriched.role in ["Manager", "Employee"]', employee), true);
    assert.equal(holds('enriched.role not in ["Manager", "Employee"]', employee), false);
    assert.equal(holds('claims.missing == null', admin), false);
  });

  test('binds and tighter than or, and compares references with each other', () => {
    assert.equal(
      holds('claims.admin == true or consumer.name == "bob" and claims.admin == true', employee),
      false,
    );
    assert.equal(holds('claims.admin == true or consumer.name == "bob"', employee), true);
    assert.equal(holds('params.user == consumer.name', admin, '/', { user: 'admin' }), true);
    assert.equal(holds('query.owner == consumer.name', admin, '/?owner=admin'), true);
    assert.equal(holds('query.owner == consumer.name', admin, '/?owner=admin&owner=bob'), false);
  });

  test('treats an absent caller as having no attributes', () => {
    assert.equal(holds('consumer.name == "admin"', undefined), false);
    assert.equal(holds('claims.admin == true', undefined), false);
  });

  test('never equals objects or arrays', () => {
    assert.equal(holds('claims.org == null', admin), false);
  });

  test('refuses malformed conditions at load with the column', () => {
    for (const [source, column] of [
      ['claims.admin = true', 14],
      ['claims.admin == ', 17],
      ['secret.key == 1', 1],
      ['consumer.email == "x"', 1],
      ['claims.a == "open', 13],
      ['claims.a in ["x" "y"]', 18],
      ['claims.a == 1 and', 18],
      ['claims.a == 1 claims.b == 2', 15],
      ['claims.a == 1 && claims.b == 2', 15],
    ] as const) {
      assert.throws(() => compileCondition(source), new RegExp(`at column ${column}:`), source);
    }
    assert.throws(() => compileCondition(`claims.a == 1${' or claims.a == 1'.repeat(40)}`), /comparisons/);
    assert.throws(() => compileCondition('x'.repeat(2000)), /longer than/);
  });
});
