// @strongroom/custody benchmarks. Run: `npm run bench -- @strongroom/custody`.
await import('./frost.js')
