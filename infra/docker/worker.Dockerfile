# syntax=docker/dockerfile:1.7
# Pulsecam worker (face-api on the TensorFlow.js wasm backend). Build from the repository root:
#   docker build -f infra/docker/worker.Dockerfile -t pulsecam-worker .

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY shared/analysis/package.json shared/analysis/
COPY shared/client/package.json shared/client/
COPY shared/config/package.json shared/config/
COPY shared/contracts/package.json shared/contracts/
COPY shared/lifecycle/package.json shared/lifecycle/
COPY shared/dsp/package.json shared/dsp/
COPY shared/store/package.json shared/store/
COPY shared/synth/package.json shared/synth/
COPY shared/video/package.json shared/video/
COPY shared/vision/package.json shared/vision/
COPY services/cli/package.json services/cli/
COPY services/gateway/package.json services/gateway/
COPY services/worker/package.json services/worker/
COPY services/web/package.json services/web/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run typecheck

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/shared/analysis/package.json shared/analysis/
COPY --from=build /app/shared/client/package.json shared/client/
COPY --from=build /app/shared/config/package.json shared/config/
COPY --from=build /app/shared/contracts/package.json shared/contracts/
COPY --from=build /app/shared/lifecycle/package.json shared/lifecycle/
COPY --from=build /app/shared/dsp/package.json shared/dsp/
COPY --from=build /app/shared/store/package.json shared/store/
COPY --from=build /app/shared/synth/package.json shared/synth/
COPY --from=build /app/shared/video/package.json shared/video/
COPY --from=build /app/shared/vision/package.json shared/vision/
COPY --from=build /app/services/cli/package.json services/cli/
COPY --from=build /app/services/gateway/package.json services/gateway/
COPY --from=build /app/services/worker/package.json services/worker/
COPY --from=build /app/services/web/package.json services/web/
RUN npm ci --omit=dev --no-audit --no-fund --workspace @pulsecam/worker --include-workspace-root

FROM node:20-bookworm-slim
# ffmpeg reads uploaded videos (Debian's build: maintained, any CPU architecture).
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production METRICS_PORT=9464 METRICS_HOST=0.0.0.0 TF_BACKEND=wasm FFMPEG_PATH=/usr/bin/ffmpeg
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/shared/analysis shared/analysis
COPY --from=build /app/shared/config shared/config
COPY --from=build /app/shared/contracts shared/contracts
COPY --from=build /app/shared/lifecycle shared/lifecycle
COPY --from=build /app/shared/dsp shared/dsp
COPY --from=build /app/shared/store shared/store
COPY --from=build /app/shared/video shared/video
COPY --from=build /app/shared/vision shared/vision
COPY --from=build /app/services/worker services/worker
USER node
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "services/worker/src/main.ts"]
