# certgate gateway image: build with dev dependencies, run with production ones only, as non-root.
# syntax=docker/dockerfile:1
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY bench ./bench
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:24-bookworm-slim
# The ops listener (metrics, readiness) stays on loopback unless CERTGATE_OPS_LISTEN says otherwise.
# OPENSSL_CONF: the gateway's OpenSSL settings (README "TLS": one TLS 1.3 ticket per full handshake).
ENV NODE_ENV=production \
    CERTGATE_LISTEN=0.0.0.0:8443 \
    CERTGATE_OPS_LISTEN=127.0.0.1:9090 \
    OPENSSL_CONF=/app/bin/certgate-openssl.cnf
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY content ./content
USER node
EXPOSE 8443 9090
# Liveness from the ops listener; readiness (/readyz) is for the orchestrator to poll.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9090/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/certgate.js"]
CMD ["serve"]
