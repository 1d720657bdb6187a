/** The version of `@strongroom/core`, written by `scripts/sync-versions.mjs` at release. */
export const version = '0.0.0'
