/** The version of `@strongroom/custody`, written by `scripts/sync-versions.mjs` at release. */
export const version = '0.0.0'
