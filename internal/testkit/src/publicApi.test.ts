import { describe, expect, it } from 'vitest'
import { exportedNames } from './publicApi.js'

describe('exportedNames', () => {
  it('lists value and type re-exports, sorted, without the type keyword', () => {
    const source = [
      "export { b, type A } from './a.js'",
      "export type { C, D } from './c.js'",
      "export { e,\n  f,\n} from './e.js'",
    ].join('\n')
    expect(exportedNames(source)).toEqual(['A', 'C', 'D', 'b', 'e', 'f'])
  })
})
