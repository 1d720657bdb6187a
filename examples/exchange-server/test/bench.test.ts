// Exercises the benchmark harness (bench/) with tiny parameters so that it keeps working: the
// exchange in its own process, FIX and WebSocket clients, pipelined and open-loop runs. Checks the
// bookkeeping, never the timings.
import { describe, expect, it } from 'vitest'
import { runExchangeBench } from '../bench/harness.js'

describe('exchange benchmark harness', () => {
  it('acknowledges every order over FIX and WebSocket, pipelined and open loop', async () => {
    const results = await runExchangeBench({
      protocols: ['FIX', 'WebSocket'],
      connections: 2,
      pipelinedOrders: 500,
      warmup: 100,
      window: 50,
      rates: [500],
      openLoopSeconds: 0.5,
    })
    expect(results.map((r) => `${r.protocol} ${r.mode}`)).toEqual([
      'FIX pipelined',
      'FIX open loop',
      'WebSocket pipelined',
      'WebSocket open loop',
    ])
    for (const r of results) {
      expect(r.sent).toBe(r.mode === 'pipelined' ? 500 : 250)
      expect(r.acknowledged).toBe(r.sent)
      // Funded accounts: no new order is refused; only cancels that lost a race to a fill may be.
      expect(r.rejectedPlaces).toBe(0)
      expect(r.rejected).toBeLessThanOrEqual(r.cancels)
      expect(r.cancels).toBeGreaterThan(0)
      expect(r.crossing).toBeGreaterThan(0)
      expect(r.fills).toBeGreaterThan(0)
      expect(r.ordersPerSecond).toBeGreaterThan(0)
      expect(r.serverCpuUsPerOrder).toBeGreaterThan(0)
      expect(r.clientCpuUsPerOrder).toBeGreaterThan(0)
      expect(r.serverHeapMb).toBeGreaterThan(0)
      const { p50, p99, p999, max } = r.latencyMs
      expect(p50).toBeGreaterThan(0)
      expect(p50).toBeLessThanOrEqual(p99)
      expect(p99).toBeLessThanOrEqual(p999)
      expect(p999).toBeLessThanOrEqual(max)
      if (r.mode === 'open loop') {
        expect(r.targetRate).toBe(500)
        expect(r.sendLagP99Ms).toBeGreaterThanOrEqual(0)
      }
    }
  }, 180_000)
})
