# The ncm image: `ncm` is the entrypoint, so a container's command is an
# ncm command line (minion …, watch …, status …).
#
#   docker build -t ncm:latest .
#   docker run --rm ncm:latest inventory /etc/ncm/inventory.yml

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# ssh2's optional native crypto binding is skipped: its pure JavaScript
# fallback needs no compiler in the image.
RUN npm ci --ignore-scripts
COPY . .
RUN npx tsc -p tsconfig.build.json \
    && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/ncm
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY examples examples
USER node
WORKDIR /home/node
EXPOSE 9464
ENTRYPOINT ["node", "/opt/ncm/dist/cli/main.js"]
CMD ["--help"]
