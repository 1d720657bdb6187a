/** The version of `@strongroom/compliance`, written by `scripts/sync-versions.mjs` at release. */
export const version = '0.0.0'
