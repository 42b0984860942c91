// Path templating: parameters on sight for ids, on statistics for slugs, folds when a node collapses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Learner } from './learner.ts';
import { PathTree } from './path-tree.ts';
import { segmentKind, textType } from './values.ts';

const templateOf = (tree: PathTree, path: string) => tree.template(path)?.template;

describe('segmentKind', () => {
  it('tells ids, dates, emails and slugs from words', () => {
    assert.equal(segmentKind('123'), 'int');
    assert.equal(segmentKind('3f2b8c1e-4d5a-4b6c-9d7e-0a1b2c3d4e5f'), 'uuid');
    assert.equal(segmentKind('d41d8cd98f00b204e9800998ecf8427e'), 'hash');
    assert.equal(segmentKind('507f1f77bcf86cd799439011'), 'hash');
    assert.equal(segmentKind('2024-02-29'), 'date');
    assert.equal(segmentKind('2024-13-01'), 'slug');
    assert.equal(segmentKind('ann@example.com'), 'email');
    assert.equal(segmentKind('my-first-post'), 'slug');
    assert.equal(segmentKind('sku1234'), 'slug');
    assert.equal(segmentKind('users'), 'word');
    assert.equal(segmentKind('v1'), 'word');
  });

  it('types query and header text', () => {
    assert.equal(textType('42'), 'integer');
    assert.equal(textType('-7'), 'integer');
    assert.equal(textType('1.5'), 'number');
    assert.equal(textType('true'), 'boolean');
    assert.equal(textType('1.2.3'), 'string');
    assert.equal(textType('12345678901234567890'), 'string');
  });
});

describe('PathTree', () => {
  it('makes integers, uuids, hashes, dates and emails parameters from one request', () => {
    const tree = new PathTree();
    assert.equal(templateOf(tree, '/users/123'), '/users/{id}');
    assert.equal(templateOf(tree, '/users/3f2b8c1e-4d5a-4b6c-9d7e-0a1b2c3d4e5f'), '/users/{id}');
    assert.equal(templateOf(tree, '/blobs/d41d8cd98f00b204e9800998ecf8427e'), '/blobs/{hash}');
    assert.equal(templateOf(tree, '/reports/2024-02-29/summary'), '/reports/{date}/summary');
    assert.equal(templateOf(tree, '/accounts/ann@example.com'), '/accounts/{email}');
    assert.equal(templateOf(tree, '/users/1/orders/2'), '/users/{id}/orders/{id2}');
    assert.equal(templateOf(tree, '/users/me'), '/users/me');
    assert.equal(templateOf(tree, `/notes/${'word'.repeat(40)}`), '/notes/{slug}');
  });

  it('keeps a few slug-like siblings literal and turns many rarely-seen ones into a parameter', () => {
    const tree = new PathTree({ slugThreshold: 10 });
    const resources = ['order-items', 'price-lists', 'line-items'];
    // Resource names: few, each called often; they stay literal.
    for (let i = 0; i < 50; i++) for (const name of resources) tree.template(`/api/${name}`);
    assert.equal(templateOf(tree, '/api/order-items'), '/api/order-items');
    for (let i = 0; i < 9; i++)
      assert.equal(
        templateOf(tree, `/posts/post-number-${String.fromCharCode(97 + i)}`)?.startsWith('/posts/post-'),
        true,
      );
    // The tenth distinct slug, each seen once: the statistics say parameter, and the earlier ones fold in.
    assert.equal(templateOf(tree, '/posts/another-fine-post'), '/posts/{slug}');
    assert.deepEqual(tree.drainCollapsed().length, 10);
    assert.equal(templateOf(tree, '/posts/post-number-a'), '/posts/{slug}');
    assert.equal(templateOf(tree, '/api/order-items'), '/api/order-items');
  });

  it('collapses a node whose distinct literal children exceed the cap', () => {
    const tree = new PathTree({ maxLiteralChildren: 8 });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
    for (const word of words) assert.equal(templateOf(tree, `/files/${word}/raw`), `/files/${word}/raw`);
    assert.equal(templateOf(tree, '/files/anothername/raw'), '/files/{slug}/raw');
    assert.equal(templateOf(tree, '/files/yetanother/raw'), '/files/{slug}/raw');
  });

  it('never grows past its node cap', () => {
    const tree = new PathTree({ maxNodes: 50, maxLiteralChildren: 1000 });
    let refused = 0;
    for (let i = 0; i < 200; i++)
      if (tree.template(`/a${'x'.repeat(i % 7)}/b${i}c/d`) === undefined) refused++;
    assert.ok(tree.nodes <= 50, String(tree.nodes));
    assert.ok(refused > 0);
  });
});

describe('Learner', () => {
  const exchange = (method: string, path: string, status = 200) => ({
    time: 1_000,
    method,
    path,
    rawQuery: '',
    status,
    durationMs: 3,
  });

  it('folds endpoints learned under literals into the parameter a collapse made', () => {
    const learner = new Learner({ tree: { slugThreshold: 3 } });
    learner.learn(exchange('GET', '/posts/first-post'));
    learner.learn(exchange('GET', '/posts/second-post/comments'));
    learner.learn(exchange('GET', '/posts/third-post'));
    const keys = learner
      .take()
      .endpoints.map((e) => `${e.method} ${e.template} ${e.count}`)
      .sort();
    assert.deepEqual(keys, ['GET /posts/{slug} 2', 'GET /posts/{slug}/comments 1']);
  });

  it('counts exchanges beyond the endpoint cap instead of keeping them', () => {
    const learner = new Learner({ maxEndpoints: 2 });
    learner.learn(exchange('GET', '/a'));
    learner.learn(exchange('GET', '/b'));
    learner.learn(exchange('GET', '/c'));
    learner.learn(exchange('GET', '/a'));
    assert.equal(learner.stats().endpoints, 2);
    assert.equal(learner.dropped.endpoints, 1);
    assert.equal(
      learner.take().endpoints.reduce((n, e) => n + e.count, 0),
      3,
    );
  });
});
