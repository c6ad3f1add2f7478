import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = 'http://127.0.0.1:8080';

/** The console: built into web/dist, served by the API server at `/` (src/http/console.ts). */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  // The API's types come from the server's contract (type-only imports: no server code in the bundle).
  // Formatters shared with the CLI and emails come from src/text (no Node imports there either).
  resolve: {
    alias: {
      '@contract': fileURLToPath(new URL('../src/contract', import.meta.url)),
      '@text': fileURLToPath(new URL('../src/text', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  // `vite --config web/vite.config.ts` during development: the API runs beside it on :8080.
  server: { proxy: { '/v1': api, '/api': api } },
});
