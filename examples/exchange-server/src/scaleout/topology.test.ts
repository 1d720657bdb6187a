import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../config.js'
import { loadTopology, namesOf, parseTopology, shardMarkets, shardOf } from './topology.js'

const example = fileURLToPath(new URL('../../scaleout.topology.json', import.meta.url))
const raw = () => JSON.parse(readFileSync(example, 'utf8')) as Record<string, unknown>

describe('scale-out topology', () => {
  it('loads the example topology of the README', () => {
    const topology = loadTopology(example)
    expect(topology.shards.map((s) => s.id)).toEqual(['eth', 'btc'])
    expect(shardOf(topology, 'BTC-USDC')).toBe('btc')
    expect(shardOf(topology, 'SOL-USDC')).toBeUndefined()
    expect(shardMarkets(topology, 'eth').map((m) => m.instrument.symbol)).toEqual(['ETH-USDC'])
    const names = namesOf(topology)
    expect([names.commandSubject('eth'), names.eventSubject('eth'), names.commandStream]).toEqual([
      'sr.cmd.eth',
      'sr.evt.eth',
      'SR_CMD',
    ])
  })

  it('names every invalid field', () => {
    const problems = (value: unknown) => {
      try {
        parseTopology(value)
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError)
        return (error as ConfigError).issues.map((p) => p.path)
      }
      throw new Error('accepted')
    }
    expect(problems({ ...raw(), lease: { ttlMs: 5, renewMs: 200 } })).toEqual(['lease.ttlMs'])
    expect(problems({ ...raw(), shards: [{ id: 'Bad Id', symbols: ['ETH-USDC'] }] })).toEqual([
      'shards.0.id',
    ])
    expect(
      problems({
        ...raw(),
        shards: [
          { id: 'a', symbols: ['ETH-USDC', 'DOGE-USDC'] },
          { id: 'b', symbols: ['ETH-USDC'] },
        ],
      }),
    ).toEqual(['shards.0.symbols.1', 'shards.1.symbols.0'])
    expect(problems({ ...raw(), nats: { url: 'not a url' } })).toEqual(['nats.url'])
  })
})
