import { defineConfig } from 'tsup'

/** Shared build for every package: ESM only, declarations, Node 20 target. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: false,
  treeshake: true,
})
