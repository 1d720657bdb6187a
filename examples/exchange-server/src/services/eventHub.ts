import type { ExchangeEvent } from '../core/events.js'

/** Fans each applied batch of events out to the subscribers (settlement, market data, gateways). */
export function createEventHub(onError: (error: unknown) => void) {
  const subscribers = new Set<(events: readonly ExchangeEvent[]) => void>()
  return {
    subscribe(fn: (events: readonly ExchangeEvent[]) => void): () => void {
      subscribers.add(fn)
      return () => subscribers.delete(fn)
    },
    publish(events: readonly ExchangeEvent[]) {
      if (events.length === 0) return
      for (const fn of subscribers) {
        try {
          fn(events)
        } catch (error) {
          // One broken subscriber (a client socket) must not stop the others.
          onError(error)
        }
      }
    },
  }
}

export type EventHub = ReturnType<typeof createEventHub>
