import { describe, expect, it } from 'vitest'
import { createFixSpinLoop, getFixSpinLoop } from './spinLoop.js'

/** Lets `n` event-loop turns pass (each spin turn is one setImmediate). */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
}

describe('createFixSpinLoop', () => {
  it('spins while held and stops when the last hold is released', async () => {
    const loop = createFixSpinLoop()
    expect(loop.state).toEqual({ holders: 0, spinning: false, turns: 0 })
    const a = loop.hold(60_000)
    const b = loop.hold(60_000)
    expect(loop.state.holders).toBe(2)
    await turns(20)
    const spun = loop.state.turns
    expect(spun).toBeGreaterThanOrEqual(15)
    expect(loop.state.spinning).toBe(true)
    a.release()
    a.release() // idempotent: b still holds
    expect(loop.state.holders).toBe(1)
    await turns(5)
    expect(loop.state.turns).toBeGreaterThan(spun)
    b.release()
    expect(loop.state).toMatchObject({ holders: 0, spinning: false })
    const stopped = loop.state.turns
    await turns(10)
    expect(loop.state.turns).toBe(stopped)
    loop.activity() // activity without a hold does not spin
    await turns(5)
    expect(loop.state).toMatchObject({ spinning: false, turns: stopped })
  })

  it('stops after maxIdleMs without activity and resumes on the next message', async () => {
    let now = 0
    const loop = createFixSpinLoop({ now: () => now })
    const hold = loop.hold(100)
    await turns(5)
    now = 99
    await turns(5)
    expect(loop.state.spinning).toBe(true)
    loop.activity() // restarts the idle time at the next turn
    await turns(2)
    now = 190
    await turns(5)
    expect(loop.state.spinning).toBe(true)
    now = 200
    await turns(3)
    expect(loop.state.spinning).toBe(false)
    const idle = loop.state.turns
    await turns(10)
    expect(loop.state.turns).toBe(idle)
    loop.activity()
    expect(loop.state.spinning).toBe(true)
    await turns(5)
    expect(loop.state.turns).toBeGreaterThan(idle)
    hold.release()
    expect(loop.state.spinning).toBe(false)
  })

  it('uses the largest idle cap among its holders', async () => {
    let now = 0
    const loop = createFixSpinLoop({ now: () => now })
    const short = loop.hold(10)
    const long = loop.hold(1000)
    now = 500
    await turns(3)
    expect(loop.state.spinning).toBe(true)
    long.release()
    await turns(3)
    expect(loop.state.spinning).toBe(false)
    short.release()
  })

  it('is one loop per process', () => {
    expect(getFixSpinLoop()).toBe(getFixSpinLoop())
  })
})
