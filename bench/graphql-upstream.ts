// The GraphQL bench's upstream as a child process: graphql-http with the tests' schema on --port.
import { parseArgs } from 'node:util';
import { startGraphqlUpstream } from '../test/helpers/graphql-upstream.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const upstream = await startGraphqlUpstream(Number(values.port));
process.stdout.write(`graphql upstream on ${upstream.url}\n`);
process.once('SIGTERM', () => {
  void upstream.close().then(() => process.exit(0));
});
