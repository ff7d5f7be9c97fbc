# syntax=docker/dockerfile:1
# The bot as a container: `docker compose up -d` (compose.yaml) or
#   docker build -t llm-source-bot . && docker run --env-file .env -v llm-data:/app/data llm-source-bot
# Two stages: the build stage has the compilers hnswlib-node's native addon needs and the dev
# dependencies TypeScript needs; the runtime stage gets only dist/ and the runtime node_modules.

# Node 22 LTS by default (Node 20 reached end of life in April 2026); CI runs on 20.19+, which
# engines in package.json also allows: --build-arg NODE_VERSION=20 builds the tested pair.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
# hnswlib-node compiles its addon at install time (node-gyp): python3, make and g++.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first: this layer is reused until package.json or the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
# Build, then drop the dev dependencies: what is left (with the compiled addon) is exactly what
# `npm ci --omit=dev` installs, without needing the compilers again in the runtime stage.
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The articles shipped with the project; a volume or bind mount over /app/corpus replaces them.
COPY --chown=node:node corpus ./corpus
# Index builds, feedback and the health file; owned by the unprivileged user the bot runs as.
RUN mkdir -p data && chown node:node data
USER node
VOLUME ["/app/data", "/app/corpus"]
# Backed by the gateway connection: the bot rewrites data/health.json every 15 s while it is
# connected to Discord (src/discord/health.ts). The first start builds the index before it
# connects, hence the long start period.
HEALTHCHECK --interval=30s --timeout=10s --start-period=5m --retries=3 \
  CMD ["node", "dist/scripts/healthcheck.js"]
# node itself, not npm: SIGTERM from `docker stop` reaches the bot, which finishes the answers in
# flight (up to 30 s) and exits 0. Allow for that: `docker stop -t 45`, or compose's stop_grace_period.
CMD ["node", "dist/scripts/bot.js"]
