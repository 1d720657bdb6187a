/** The version of `@strongroom/fix`, written by `scripts/sync-versions.mjs` at release. */
export const version = '0.0.0'
