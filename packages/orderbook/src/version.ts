/** The version of `@strongroom/orderbook`, written by `scripts/sync-versions.mjs` at release. */
export const version = '0.0.0'
