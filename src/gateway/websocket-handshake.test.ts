import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileOriginList } from '../lib/origin-list.ts';
import { isOriginAllowed } from './websocket-handshake.ts';
import { MessageRate } from './websocket-settings.ts';

test('allows no Origin, the gateway own origin (default ports too), and listed origins only', () => {
  const listed = compileOriginList(['https://*.example.com']);
  assert.equal(isOriginAllowed(undefined, 'gw.example', undefined), true);
  assert.equal(isOriginAllowed('https://gw.example', 'gw.example', undefined), true);
  assert.equal(isOriginAllowed('https://gw.example', 'gw.example:443', undefined), true);
  assert.equal(isOriginAllowed('http://gw.example:8080', 'GW.example:8080', undefined), true);
  assert.equal(isOriginAllowed('https://gw.example', 'gw.example:8443', undefined), false);
  assert.equal(isOriginAllowed('https://gw.example.evil', 'gw.example', undefined), false);
  assert.equal(isOriginAllowed('null', 'gw.example', undefined), false);
  assert.equal(isOriginAllowed('https://app.example.com', 'gw.example', listed), true);
  assert.equal(isOriginAllowed('https://example.com', 'gw.example', listed), false);
});

test('message rate: a burst, then refills at the rate on the injected clock', () => {
  const rate = new MessageRate({ perMs: 2 / 1000, burst: 2 }, 0);
  assert.equal(rate.take(0), true);
  assert.equal(rate.take(0), true);
  assert.equal(rate.take(0), false);
  assert.equal(rate.take(499), false);
  assert.equal(rate.take(1000), true);
  assert.equal(rate.take(1000), true);
  assert.equal(rate.take(1000), false);
  assert.equal(rate.take(60_000), true, 'refills up to the burst, no more');
  assert.equal(rate.take(60_000), true);
  assert.equal(rate.take(60_000), false);
});
