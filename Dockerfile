# One image for the api and worker processes (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY connectors ./connectors
COPY mappings ./mappings
USER node
ENTRYPOINT ["node", "bin/dealerloop.js"]
CMD ["start"]
