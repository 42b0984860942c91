// Tests that the demo API's contract parses, resolves its references and hides internal fields.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const spec = parse(readFileSync(new URL('./openapi.yaml', import.meta.url), 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, { deprecated?: boolean }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

function collectRefs(node: unknown, refs: string[]): string[] {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, refs);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') refs.push(value);
      else collectRefs(value, refs);
    }
  }
  return refs;
}

function resolve(pointer: string): unknown {
  let node: unknown = spec;
  for (const part of pointer.replace(/^#\//, '').split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  return node;
}

describe('demo API contract', () => {
  it('is an OpenAPI 3.1 document whose references all resolve', () => {
    assert.match(spec.openapi, /^3\.1\./);
    for (const ref of collectRefs(spec, [])) assert.notEqual(resolve(ref), undefined, ref);
  });

  it('does not declare passwordHash or internalNotes on the user', () => {
    const user = spec.components.schemas.User?.properties ?? {};
    assert.equal('passwordHash' in user, false);
    assert.equal('internalNotes' in user, false);
  });

  it('marks the legacy v1 user read as deprecated and leaves /debug/crash undocumented', () => {
    assert.equal(spec.paths['/v1/users/{id}']?.get?.deprecated, true);
    assert.equal(spec.paths['/debug/crash'], undefined);
  });
});
