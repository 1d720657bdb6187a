/** The version of `@strongroom/settlement`, written by `scripts/sync-versions.mjs` at release. */
export const version = '0.0.0'
