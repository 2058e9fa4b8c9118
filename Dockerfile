# syntax=docker/dockerfile:1
# Two stages: the compilers (python3, make, g++ for better-sqlite3; TypeScript for the bot) exist
# only in the build stage; the image that runs holds Node, the production packages and the built bot
# (dist/, plain JavaScript: no TypeScript loader at run time). The SQLite file and its backups live
# on the /data volume.

# NODE_IMAGE: another registry's copy of the same image, where Docker Hub is out of reach.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Behind a proxy that re-signs TLS: `--secret id=ca,src=<its CA bundle, PEM>` makes npm (and the
# download of better-sqlite3's prebuilt binary or of Node's headers) trust it, for this step only;
# the file is in no layer. Without the secret the step is the plain `npm ci`.
RUN --mount=type=secret,id=ca \
  if [ -f /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
  npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    DATABASE_PATH=/data/bot.sqlite \
    BACKUP_DIR=/data/backups \
    WEBHOOK_LISTEN=0.0.0.0:8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY --from=build /app/dist ./dist
COPY src ./src
COPY drizzle ./drizzle
COPY scripts ./scripts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is the process that gets SIGTERM (not npm), so the bot stops cleanly. The command is
# that of `npm start` (package.json) without its build step, done above.
CMD ["node", "--max-semi-space-size=1", "dist/main.js"]
