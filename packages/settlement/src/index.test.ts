import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as core from './index.js'

describe('public API of @strongroom/settlement', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(core).sort()).toMatchSnapshot()
  })

  it('exports exactly these names, types included', () => {
    const source = readFileSync(new URL('./index.ts', import.meta.url), 'utf8')
    const names = [...source.matchAll(/export (?:type )?\{([^}]*)\}/g)]
      .flatMap((match) => match[1]!.split(','))
      .map((name) => name.trim().replace(/^type\s+/, ''))
      .filter(Boolean)
      .sort()
    expect(names).toMatchSnapshot()
  })
})
