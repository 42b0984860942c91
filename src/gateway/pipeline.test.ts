import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { contextFor } from '../../test/helpers/context.ts';
import {
  CONTINUE,
  type Deny,
  definePolicy,
  deny,
  type PolicyDefinition,
  type Stage,
} from '../policies/policy.ts';
import { compileChain } from './chain.ts';
import { type PhaseContext, runLogPhase, runRequestPhase, runResponsePhase } from './pipeline.ts';

const deps = {
  clock: { now: () => 0 },
  log: { debug() {}, info() {}, warn() {}, error() {} },
  baseDir: '.',
};

const calls: string[] = [];

function probe(
  name: string,
  stage: Stage,
  behaviour: 'pass' | 'deny' | 'throw' | 'async-deny',
  failOpen = false,
) {
  return definePolicy({
    name,
    stage,
    description: 'test probe',
    config: Type.Object({}),
    errors: ['RAMPART_INGRESS_IP_DENIED'],
    failOpen,
    create: () => ({
      onRequest() {
        calls.push(`request:${name}`);
        if (behaviour === 'throw') throw new Error('boom');
        if (behaviour === 'deny') return deny('RAMPART_INGRESS_IP_DENIED', { rule: name });
        if (behaviour === 'async-deny')
          return Promise.resolve(deny('RAMPART_INGRESS_IP_DENIED', { rule: name }));
        return CONTINUE;
      },
      onResponse(ctx) {
        calls.push(`response:${name}`);
        if (behaviour === 'deny' && ctx.response?.local === false) {
          return deny('RAMPART_RESPONSE_UPSTREAM_ERROR_HIDDEN', { status: 503 });
        }
        return CONTINUE;
      },
      onLog() {
        calls.push(`log:${name}`);
        if (behaviour === 'throw') throw new Error('log boom');
      },
    }),
  });
}

function registry(...definitions: PolicyDefinition[]): Map<string, PolicyDefinition> {
  return new Map(definitions.map((definition) => [definition.name, definition]));
}

function recorder() {
  const seen: Array<[string, string, string]> = [];
  return {
    seen,
    denied: (policy: string, verdict: Deny) => seen.push(['denied', policy, verdict.code]),
    wouldDeny: (policy: string, verdict: Deny) => seen.push(['would-deny', policy, verdict.code]),
    fault: (policy: string, _error: unknown, failedOpen: boolean) =>
      seen.push(['fault', policy, failedOpen ? 'open' : 'closed']),
  };
}

function phaseContext(): PhaseContext {
  return Object.assign(contextFor(), { currentPolicy: '', policyStates: undefined });
}

describe('compiled chains', () => {
  test('order policies by stage, then by config order, whatever order the config lists stages in', () => {
    const definitions = registry(
      probe('threat-a', 'threat', 'pass'),
      probe('ingress-a', 'ingress', 'pass'),
      probe('ingress-b', 'ingress', 'pass'),
      probe('authn-a', 'authn', 'pass'),
    );
    const chain = compileChain(
      definitions,
      {
        defaults: { 'threat-a': {}, 'ingress-b': {} },
        route: { 'authn-a': {}, 'ingress-a': {} },
        routePath: 'routes[0]',
      },
      deps,
    );
    assert.deepEqual(
      chain.onRequest.map((link) => link.name),
      ['ingress-b', 'ingress-a', 'authn-a', 'threat-a'],
    );
    assert.deepEqual(
      chain.onResponse.map((link) => link.name),
      ['threat-a', 'authn-a', 'ingress-a', 'ingress-b'],
    );
  });

  test('leave policies in mode off out of the chain entirely', () => {
    const chain = compileChain(
      registry(probe('a', 'ingress', 'deny')),
      { defaults: { a: {} }, route: { a: { mode: 'off' } }, routePath: 'routes[0]' },
      deps,
    );
    assert.equal(chain.links.length, 0);
  });

  test('name the config path of a block whose policy cannot be built', () => {
    const broken = definePolicy({
      name: 'broken',
      stage: 'ingress',
      description: 'throws at create',
      config: Type.Object({}),
      errors: [],
      create: () => {
        throw new Error('bad entry');
      },
    });
    assert.throws(
      () =>
        compileChain(
          registry(broken),
          { defaults: undefined, route: { broken: {} }, routePath: 'routes[3]' },
          deps,
        ),
      (error: Error & { path?: string }) => error.path === 'routes[3].policies.broken',
    );
  });
});

describe('request phase', () => {
  test('stops at the first enforced deny and reports it', async () => {
    calls.length = 0;
    const chain = compileChain(
      registry(probe('a', 'ingress', 'pass'), probe('b', 'ingress', 'deny'), probe('c', 'authz', 'pass')),
      { defaults: undefined, route: { a: {}, b: {}, c: {} }, routePath: 'routes[0]' },
      deps,
    );
    const reporter = recorder();
    const outcome = await runRequestPhase(chain, phaseContext(), reporter);
    assert.equal(outcome.policy, 'b');
    assert.equal(outcome.deny?.code, 'RAMPART_INGRESS_IP_DENIED');
    assert.deepEqual(calls, ['request:a', 'request:b']);
    assert.deepEqual(reporter.seen, [['denied', 'b', 'RAMPART_INGRESS_IP_DENIED']]);
  });

  test('records a would-deny in monitor mode and lets the request go on', async () => {
    calls.length = 0;
    const chain = compileChain(
      registry(probe('a', 'ingress', 'async-deny'), probe('b', 'authz', 'pass')),
      { defaults: undefined, route: { a: { mode: 'monitor' }, b: {} }, routePath: 'routes[0]' },
      deps,
    );
    const reporter = recorder();
    const outcome = await runRequestPhase(chain, phaseContext(), reporter);
    assert.equal(outcome.deny, undefined);
    assert.deepEqual(calls, ['request:a', 'request:b']);
    assert.deepEqual(reporter.seen, [['would-deny', 'a', 'RAMPART_INGRESS_IP_DENIED']]);
  });

  test('answers a throwing policy with a 500 fault code, even in monitor mode', async () => {
    const chain = compileChain(
      registry(probe('a', 'ingress', 'throw')),
      { defaults: undefined, route: { a: { mode: 'monitor' } }, routePath: 'routes[0]' },
      deps,
    );
    const reporter = recorder();
    const outcome = await runRequestPhase(chain, phaseContext(), reporter);
    assert.equal(outcome.deny?.code, 'RAMPART_INTERNAL_POLICY_FAULT');
    assert.deepEqual(reporter.seen[0], ['fault', 'a', 'closed']);
  });

  test('lets the request on when a fail-open policy throws', async () => {
    const chain = compileChain(
      registry(probe('a', 'traffic', 'throw', true)),
      { defaults: undefined, route: { a: {} }, routePath: 'routes[0]' },
      deps,
    );
    const reporter = recorder();
    const outcome = await runRequestPhase(chain, phaseContext(), reporter);
    assert.equal(outcome.deny, undefined);
    assert.deepEqual(reporter.seen, [['fault', 'a', 'open']]);
  });

  test('stays synchronous when every handler is', () => {
    const chain = compileChain(
      registry(probe('a', 'ingress', 'pass')),
      { defaults: undefined, route: { a: {} }, routePath: 'routes[0]' },
      deps,
    );
    const outcome = runRequestPhase(chain, phaseContext(), recorder());
    assert.equal(typeof (outcome as Promise<unknown>).then, 'undefined');
  });
});

describe('response and log phases', () => {
  test('replace the response on a deny and still run the links above it', async () => {
    calls.length = 0;
    const chain = compileChain(
      registry(probe('headers', 'response', 'pass'), probe('sanitize', 'response', 'deny')),
      { defaults: undefined, route: { headers: {}, sanitize: {} }, routePath: 'routes[0]' },
      deps,
    );
    const ctx = Object.assign(contextFor({ response: { status: 500, body: 'stack', local: false } }), {
      currentPolicy: '',
      policyStates: undefined,
    });
    const replaced: string[] = [];
    const outcome = await runResponsePhase(chain, ctx, recorder(), (result) =>
      replaced.push(result.policy ?? ''),
    );
    assert.deepEqual(calls, ['response:sanitize', 'response:headers']);
    assert.deepEqual(replaced, ['sanitize']);
    assert.equal(outcome.deny?.status, 503);
  });

  test('wait for an asynchronous response handler and still run the links above it', async () => {
    calls.length = 0;
    const slow = definePolicy({
      name: 'slow',
      stage: 'response',
      description: 'denies after a tick',
      config: Type.Object({}),
      errors: ['RAMPART_RESPONSE_UPSTREAM_ERROR_HIDDEN'],
      create: () => ({
        async onResponse() {
          await new Promise((resolve) => setImmediate(resolve));
          calls.push('response:slow');
          return deny('RAMPART_RESPONSE_UPSTREAM_ERROR_HIDDEN');
        },
      }),
    });
    const chain = compileChain(
      registry(probe('headers', 'response', 'pass'), slow),
      { defaults: undefined, route: { headers: {}, slow: {} }, routePath: 'routes[0]' },
      deps,
    );
    const ctx = Object.assign(contextFor({ response: { status: 500, local: false } }), {
      currentPolicy: '',
      policyStates: undefined,
    });
    const replaced: string[] = [];
    const outcome = await runResponsePhase(chain, ctx, recorder(), (result) =>
      replaced.push(result.policy ?? ''),
    );
    assert.deepEqual(calls, ['response:slow', 'response:headers']);
    assert.deepEqual(replaced, ['slow']);
    assert.equal(outcome.policy, 'slow');
  });

  test('run every log handler even when one throws', () => {
    calls.length = 0;
    const chain = compileChain(
      registry(probe('a', 'ingress', 'throw'), probe('b', 'observe', 'pass')),
      { defaults: undefined, route: { a: {}, b: {} }, routePath: 'routes[0]' },
      deps,
    );
    const reporter = recorder();
    const ctx = Object.assign(contextFor(), {
      currentPolicy: '',
      policyStates: undefined,
      status: 200,
      errorCode: undefined,
      durationMs: 1,
    });
    runLogPhase(chain, ctx, reporter);
    assert.deepEqual(calls, ['log:a', 'log:b']);
    assert.deepEqual(reporter.seen, [['fault', 'a', 'open']]);
  });
});

describe('per-request policy state', () => {
  test('gives every phase of one request the same state and each request its own', () => {
    const seen: Array<{ phase: string; state: { id: number; hits: number } }> = [];
    let made = 0;
    const counter = definePolicy({
      name: 'counter',
      stage: 'traffic',
      description: 'keeps a per-request counter',
      config: Type.Object({}),
      errors: [],
      create: () => ({
        requestState: () => ({ id: ++made, hits: 0 }),
        onRequest(_ctx, state: { id: number; hits: number }) {
          state.hits++;
          seen.push({ phase: 'request', state });
          return CONTINUE;
        },
        onResponse(_ctx, state: { id: number; hits: number }) {
          state.hits++;
          seen.push({ phase: 'response', state });
          return CONTINUE;
        },
        onLog(_ctx, state: { id: number; hits: number }) {
          seen.push({ phase: 'log', state });
        },
      }),
    });
    const chain = compileChain(
      registry(probe('first', 'ingress', 'pass'), counter),
      { defaults: undefined, route: { first: {}, counter: {} }, routePath: 'routes[0]' },
      deps,
    );
    for (let request = 0; request < 2; request++) {
      const ctx = Object.assign(contextFor({ response: { status: 200 } }), {
        currentPolicy: '',
        policyStates: undefined,
        status: 200,
        errorCode: undefined,
        durationMs: 1,
      });
      runRequestPhase(chain, ctx, recorder());
      runResponsePhase(chain, ctx, recorder(), () => {});
      runLogPhase(chain, ctx, recorder());
    }
    assert.equal(made, 2);
    assert.deepEqual(
      seen.map(({ phase, state }) => `${phase}:${state.id}:${state.hits}`),
      ['request:1:2', 'response:1:2', 'log:1:2', 'request:2:2', 'response:2:2', 'log:2:2'],
    );
  });
});

describe('response phase order', () => {
  test('runs the deciding stages on the upstream answer first, then the response stage on what they left', async () => {
    calls.length = 0;
    const owner = definePolicy({
      name: 'owner',
      stage: 'authz',
      description: 'hides an answer that is not the caller’s',
      config: Type.Object({}),
      errors: ['RAMPART_AUTHZ_FORBIDDEN'],
      create: () => ({
        onResponse(ctx) {
          calls.push(`response:owner:${ctx.response?.local === true ? 'local' : 'upstream'}`);
          return ctx.response?.local === true ? CONTINUE : deny('RAMPART_AUTHZ_FORBIDDEN');
        },
      }),
    });
    const chain = compileChain(
      registry(probe('headers', 'response', 'pass'), owner, probe('sanitize', 'response', 'pass')),
      { defaults: undefined, route: { headers: {}, owner: {}, sanitize: {} }, routePath: 'routes[0]' },
      deps,
    );
    const ctx = Object.assign(contextFor({ response: { status: 200, body: '{}', local: false } }), {
      currentPolicy: '',
      policyStates: undefined,
    });
    const replaced: string[] = [];
    await runResponsePhase(chain, ctx, recorder(), (result) => {
      replaced.push(result.policy ?? '');
      Object.assign(ctx, { response: { status: 403, headers: {}, body: undefined, local: true } });
    });
    assert.deepEqual(replaced, ['owner']);
    assert.deepEqual(calls, ['response:owner:upstream', 'response:sanitize', 'response:headers']);
  });
});
