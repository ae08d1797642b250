// The web app's build: React, the contracts package read from source, the API proxied in dev,
// and vendor code split so that no single chunk carries everything.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const vendorChunks: Array<[name: string, test: RegExp]> = [
  ['echarts', /node_modules[\\/](echarts|zrender|echarts-for-react)[\\/]/],
  ['antd-icons', /node_modules[\\/]@ant-design[\\/]icons/],
  ['antd-rc', /node_modules[\\/](@rc-component|rc-[a-z-]+)[\\/]/],
  ['antd-cssinjs', /node_modules[\\/](@ant-design[\\/](cssinjs|cssinjs-utils|colors|fast-color|react-slick)|@emotion|stylis)[\\/]/],
  ['antd', /node_modules[\\/]antd[\\/]/],
  ['react', /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/],
  ['i18n', /node_modules[\\/](i18next|react-i18next|dayjs)[\\/]/],
  ['zod', /node_modules[\\/]zod[\\/]/],
  ['query', /node_modules[\\/]@tanstack[\\/]/],
];

// Where `vite` (dev) and `vite preview` forward API calls; the server's default port unless told otherwise.
const apiTarget = process.env.GUANXI_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      '@guanxi/contracts': fileURLToPath(new URL('../../packages/contracts/src/index.ts', import.meta.url)),
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': apiTarget,
      '/healthz': apiTarget,
      // the public lead form pages, so the settings page's preview works in dev too
      '/forms': apiTarget,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Split by package, never inside one: antd's modules import each other in cycles, and a
          // size-based cut through them breaks the order in which they initialise.
          groups: vendorChunks.map(([name, test], i) => ({ name, test, priority: vendorChunks.length - i })),
        },
      },
    },
  },
});
