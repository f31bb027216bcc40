import { defineConfig } from 'vite';

// Plain TypeScript, no framework: the page is one screen with a few live values, so a framework
// would add weight without removing code. Vite bundles and minifies it; the gateway serves dist/.
export default defineConfig({
  root: import.meta.dirname,
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '^/(create-session|session|analyze-batch|analyze-image|status|docs|openapi.json)': 'http://127.0.0.1:8000' } },
});
