#!/usr/bin/env node
// The container's health check (Dockerfile HEALTHCHECK, or a Kubernetes exec probe): asks the admin
// listener's /readyz, which answers 503 while the gateway drains. Exit 0 when ready, 1 otherwise.
// RAMPART_HEALTHCHECK_URL overrides the address (default http://127.0.0.1:9901/readyz).
const url = process.env.RAMPART_HEALTHCHECK_URL || 'http://127.0.0.1:9901/readyz';
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  process.exitCode = response.ok ? 0 : 1;
} catch {
  process.exitCode = 1;
}
