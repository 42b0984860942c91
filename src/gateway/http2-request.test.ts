import assert from 'node:assert/strict';
import { test } from 'node:test';
import { http2FieldProblem } from './http2-request.ts';

const base = (path = '/a', method = 'GET'): string[] => [
  ':method',
  method,
  ':scheme',
  'https',
  ':path',
  path,
  ':authority',
  'api.example.com',
];

test('admits an ordinary request, with or without a matching Host, and te: trailers', () => {
  assert.equal(http2FieldProblem(base()), undefined);
  assert.equal(http2FieldProblem([...base(), 'host', 'API.example.com', 'te', 'trailers']), undefined);
  assert.equal(
    http2FieldProblem([':method', 'GET', ':scheme', 'http', ':path', '/', 'host', 'a.example']),
    undefined,
  );
  assert.equal(http2FieldProblem([...base('/a', 'POST'), 'content-length', '12']), undefined);
});

test('refuses every smuggling shape nghttp2 also refuses (the second fence)', () => {
  const cases: Array<[string, string[], string]> = [
    ['CR LF in a value', [...base(), 'x-a', 'a\r\nx-b: 1'], 'RAMPART_HTTP_BAD_REQUEST'],
    ['NUL in a value', [...base(), 'x-a', 'a\0b'], 'RAMPART_HTTP_BAD_REQUEST'],
    ['leading space in a value', [...base(), 'x-a', ' b'], 'RAMPART_HTTP_BAD_REQUEST'],
    ['transfer-encoding', [...base(), 'transfer-encoding', 'chunked'], 'RAMPART_HTTP_AMBIGUOUS_REQUEST'],
    ['connection', [...base(), 'connection', 'close'], 'RAMPART_HTTP_AMBIGUOUS_REQUEST'],
    ['keep-alive', [...base(), 'keep-alive', '5'], 'RAMPART_HTTP_AMBIGUOUS_REQUEST'],
    ['proxy-connection', [...base(), 'proxy-connection', 'x'], 'RAMPART_HTTP_AMBIGUOUS_REQUEST'],
    ['upgrade', [...base(), 'upgrade', 'h2c'], 'RAMPART_HTTP_AMBIGUOUS_REQUEST'],
    ['te: gzip', [...base(), 'te', 'gzip'], 'RAMPART_HTTP_AMBIGUOUS_REQUEST'],
    ['unknown pseudo-header', [...base(), ':foo', 'x'], 'RAMPART_HTTP_BAD_REQUEST'],
    [
      'pseudo-header after a field',
      [':method', 'GET', 'x-a', 'b', ':path', '/', ':scheme', 'http', ':authority', 'a'],
      'RAMPART_HTTP_BAD_REQUEST',
    ],
    ['repeated :path', [...base(), ':path', '/b'], 'RAMPART_HTTP_BAD_REQUEST'],
    ['upper-case name', [...base(), 'X-A', 'b'], 'RAMPART_HTTP_BAD_REQUEST'],
    ['response pseudo-header', [...base(), ':status', '200'], 'RAMPART_HTTP_BAD_REQUEST'],
    ['no :path', [':method', 'GET', ':scheme', 'http', ':authority', 'a'], 'RAMPART_HTTP_BAD_REQUEST'],
    [
      'odd :scheme',
      [':method', 'GET', ':scheme', 'ftp', ':path', '/', ':authority', 'a'],
      'RAMPART_HTTP_BAD_REQUEST',
    ],
    ['absolute-form :path', base('http://evil.example/a'), 'RAMPART_HTTP_BAD_PATH'],
    ['asterisk :path', base('*', 'OPTIONS'), 'RAMPART_HTTP_BAD_PATH'],
    ['space in :path', base('/a b'), 'RAMPART_HTTP_BAD_PATH'],
    ['CONNECT', [':method', 'CONNECT', ':authority', 'a:443'], 'RAMPART_HTTP_METHOD_REFUSED'],
    [
      'userinfo in :authority',
      [':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'u@a'],
      'RAMPART_HTTP_BAD_REQUEST',
    ],
    ['no authority at all', [':method', 'GET', ':scheme', 'http', ':path', '/'], 'RAMPART_HTTP_BAD_REQUEST'],
    ['Host other than :authority', [...base(), 'host', 'evil.example'], 'RAMPART_HTTP_AMBIGUOUS_REQUEST'],
    [
      'repeated authorization',
      [...base(), 'authorization', 'a', 'authorization', 'b'],
      'RAMPART_HTTP_AMBIGUOUS_REQUEST',
    ],
    [
      'repeated content-length',
      [...base(), 'content-length', '3', 'content-length', '3'],
      'RAMPART_HTTP_AMBIGUOUS_REQUEST',
    ],
    ['content-length not digits', [...base(), 'content-length', '3, 4'], 'RAMPART_HTTP_AMBIGUOUS_REQUEST'],
  ];
  for (const [name, raw, code] of cases) assert.equal(http2FieldProblem(raw), code, name);
});
