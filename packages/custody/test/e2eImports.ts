// Everything the end-to-end suite uses from the package, through its public entry point.
export * from '../src/index.js'
export { approve, approvers } from './helpers.js'
