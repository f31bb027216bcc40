import { defineConfig } from 'vite';

// Plain TypeScript, no framework: the page is one screen with a few live values, so a framework
// would add weight without removing code. Vite bundles and minifies it; the gateway serves dist/.
export default defineConfig({
  root: import.meta.dirname,
  // The private-mode chunk (TensorFlow.js + face-api, ~1.4 MB, ~360 kB gzipped) loads only when private mode starts.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1600 },
  server: { proxy: { '^/(create-session|session|analyze-batch|analyze-image|status|docs|openapi.json|vision)': 'http://127.0.0.1:8000' } },
});
