// A real GraphQL server for tests and the GraphQL bench: graphql-http over node:http with a small
// schema (users, friends, a search, a rename mutation). The SDL the gateway reads carries
// `@rampart(roles:)`; the server's copy is the same schema without it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';

/** The schema as the gateway reads it: `User.email` only for admins. */
export const GATEWAY_SDL = `
type Query {
  users(first: Int): [User!]!
  user(id: ID!): User
  search(text: String!): [User!]!
}
type User {
  id: ID!
  name: String!
  email: String @rampart(roles: ["admin"])
  friends(first: Int): [User!]!
}
type Mutation {
  rename(id: ID!, name: String!): User
}
`;

/** The same schema for the server, which knows nothing of Rampart's directive. */
export const SERVER_SDL = GATEWAY_SDL.replace(/ @rampart\(roles: \["admin"\]\)/g, '');

interface UserRecord {
  id: string;
  name: string;
  email: string;
}

const USERS: UserRecord[] = [
  { id: '1', name: 'Alice', email: 'alice@example.com' },
  { id: '2', name: 'Bob', email: 'bob@example.com' },
  { id: '3', name: 'Carol', email: 'carol@example.com' },
];

function userView(user: UserRecord): Record<string, unknown> {
  return {
    ...user,
    friends: ({ first }: { first?: number }) =>
      USERS.filter((other) => other.id !== user.id)
        .slice(0, first ?? USERS.length)
        .map(userView),
  };
}

/** A running GraphQL server. */
export interface GraphqlUpstream {
  readonly url: string;
  /** How many HTTP requests reached it. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Starts the GraphQL server on 127.0.0.1 (`port` 0: a free one); every path answers GraphQL. */
export async function startGraphqlUpstream(port = 0): Promise<GraphqlUpstream> {
  const schema = buildSchema(SERVER_SDL);
  const rootValue = {
    users: ({ first }: { first?: number }) => USERS.slice(0, first ?? USERS.length).map(userView),
    user: ({ id }: { id: string }) => {
      const found = USERS.find((user) => user.id === id);
      return found === undefined ? null : userView(found);
    },
    search: ({ text }: { text: string }) =>
      USERS.filter((user) => user.name.toLowerCase().includes(text.toLowerCase())).map(userView),
    rename: ({ id, name }: { id: string; name: string }) => {
      const found = USERS.find((user) => user.id === id);
      return found === undefined ? null : userView({ ...found, name });
    },
  };
  const handler = createHandler({ schema, rootValue });
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    handler(req, res).catch(() => {
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
