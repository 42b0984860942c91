// `rampart schema`: prints the config's JSON Schema (the TypeBox schema the loader validates with, the
// built-in policies' blocks included), for editors: with yaml-language-server, a first line
// `# yaml-language-server: $schema=./rampart.schema.json` gives completion and checks as you type.
import { parseArgs } from 'node:util';
import { configSchema } from '../config/schema.ts';
import { POLICY_DEFINITIONS } from '../policies/registry.ts';
import type { CliIo } from './io.ts';
import { VERSION } from './version.ts';

const HELP = `Usage: rampart schema [--compact]

Prints the JSON Schema (draft-07) of rampart.yaml on stdout. Save it and name it on
the config's first line for editor completion (VS Code YAML extension, any yaml-language-server):

  rampart schema > rampart.schema.json
  # yaml-language-server: $schema=./rampart.schema.json

The schema checks shapes and values; \`rampart validate\` also checks references between sections,
secrets and that every policy builds.`;

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;

/**
 * A property with a default is listed as required (the loader fills defaults in before it checks), but a
 * file may leave it out: an editor, which checks without filling in, must not ask for it.
 */
function optionalDefaults(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) optionalDefaults(item);
    return;
  }
  if (!isNode(node)) return;
  const properties = node.properties;
  if (isNode(properties) && Array.isArray(node.required)) {
    const required = node.required.filter((key) => {
      const property = properties[String(key)];
      return !(isNode(property) && 'default' in property);
    });
    if (required.length === 0) delete node.required;
    else node.required = required;
  }
  for (const value of Object.values(node)) optionalDefaults(value);
}

/** The config's JSON Schema as a plain JSON value, with its identity and title. */
export function configJsonSchema(): Record<string, unknown> {
  // TypeBox schemas are JSON Schema objects (their symbol-keyed markers are not serialized).
  const schema = JSON.parse(JSON.stringify(configSchema(POLICY_DEFINITIONS))) as Record<string, unknown>;
  optionalDefaults(schema);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://rampart.dev/schema/${VERSION}/rampart.schema.json`,
    title: `rampart.yaml (Rampart ${VERSION})`,
    ...schema,
  };
}

/** Runs `rampart schema`. */
export async function runSchema(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { compact: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  io.stdout.write(`${JSON.stringify(configJsonSchema(), null, values.compact === true ? 0 : 2)}\n`);
  return 0;
}
