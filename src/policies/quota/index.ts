// The quota policy definition (traffic): daily and monthly allowances per consumer, and the admin
// route that shows a consumer's usage.
import { definePolicy } from '../policy.ts';
import { quotaAdminRoutes } from './admin-route.ts';
import { quotaConfig } from './config.ts';
import { createQuota } from './quota.ts';

/** Answers 429 when a consumer's daily or monthly allowance is used up, until the calendar reset. */
export const quota = definePolicy({
  name: 'quota',
  stage: 'traffic',
  description: 'Daily and monthly allowances per consumer, reset at midnight / the first in a time zone.',
  config: quotaConfig,
  errors: ['RAMPART_TRAFFIC_QUOTA_EXCEEDED', 'RAMPART_TRAFFIC_STATE_UNAVAILABLE'],
  create: (config, deps) => createQuota(config, deps),
  adminRoutes: (instances) => quotaAdminRoutes(instances),
});
