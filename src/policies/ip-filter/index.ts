// The ip-filter policy definition (ingress): CIDR allow and deny lists on the client address.
import { definePolicy } from '../policy.ts';
import { ipFilterConfig } from './config.ts';
import { createIpFilter } from './ip-filter.ts';

/** Answers 403 to client addresses on the deny list or, with an allow list, not on it. */
export const ipFilter = definePolicy({
  name: 'ip-filter',
  stage: 'ingress',
  description: 'Admits or refuses clients by IPv4/IPv6 CIDR; deny wins over allow.',
  config: ipFilterConfig,
  errors: ['RAMPART_INGRESS_IP_DENIED'],
  create: (config) => createIpFilter(config),
});
