# Rampart container image. Build: docker build -t rampart .
# Run:   docker run --read-only --tmpfs /tmp -p 8080:8080 -v $PWD/rampart.yaml:/etc/rampart/rampart.yaml:ro rampart
# docs/deploy.md explains the settings; compose.yaml and deploy/k8s use this image.

# --- build: compile the TypeScript sources to dist/ (bin/build-dist.ts), with the dev dependencies
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the image already has Node 24; the `node` dev dependency's download is not needed.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY examples ./examples
RUN node bin/build-dist.ts

# --- deps: production dependencies only
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime: no compiler, no dev dependencies, no shell scripts, a non-root user
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json LICENSE NOTICE ./
COPY bin/rampart.js bin/healthcheck.js ./bin/
COPY deploy/rampart.yaml /etc/rampart/rampart.yaml
# The image's `node` user (uid 1000). Nothing is written at run time: logs go to stdout, state to Redis,
# the store to PostgreSQL (or a mounted volume for SQLite), so the root filesystem can be read-only.
USER node
EXPOSE 8080 9901
# Asks the admin listener's /readyz (503 while draining).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["node", "/app/bin/healthcheck.js"]
# Node runs as PID 1 and handles SIGTERM itself: stop accepting, drain in-flight requests (bounded by
# server.shutdownTimeout), exit 0. Give the orchestrator's stop timeout a little more than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/rampart.js"]
CMD ["start", "-c", "/etc/rampart/rampart.yaml"]
