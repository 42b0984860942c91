// Consumer naming and the public view of a consumer, shared by the CLI and the admin API.
import type { Consumer } from '../store/store.ts';

/** Consumer names: 1-64 letters, digits, `_ . @ -` (safe in headers, logs and URLs). */
export const CONSUMER_NAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

/** A consumer as the CLI and the admin API show it. */
export interface ConsumerView {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly enabled: boolean;
  readonly createdAt: string;
}

/** The public view of a consumer. */
export function viewConsumer(consumer: Consumer): ConsumerView {
  return {
    id: consumer.id,
    name: consumer.name,
    roles: consumer.roles,
    metadata: consumer.metadata,
    enabled: consumer.enabled,
    createdAt: new Date(consumer.createdAt).toISOString(),
  };
}
