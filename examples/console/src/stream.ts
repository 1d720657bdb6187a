import { type Credentials, signedHeaders } from './api.js'

/** One server-sent event of the console stream. */
export type StreamEvent = { event: string; data: unknown }

const PATH = '/v1/console/stream'

/**
 * Follows the console's live stream (server-sent events over a signed fetch, since EventSource
 * cannot send headers), reconnecting with a fresh signature after a drop. Returns a stop function.
 */
export function followStream(
  credentials: Credentials,
  onEvent: (event: StreamEvent) => void,
  onStatus: (status: 'live' | 'reconnecting', detail?: string) => void,
): () => void {
  let stopped = false
  let controller: AbortController | undefined
  const run = async () => {
    while (!stopped) {
      controller = new AbortController()
      try {
        const headers = await signedHeaders(credentials, 'GET', PATH)
        const response = await fetch(PATH, { headers, signal: controller.signal })
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`)
        onStatus('live')
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let end = buffer.indexOf('\n\n')
          while (end >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            end = buffer.indexOf('\n\n')
            let event = 'message'
            let data = ''
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7)
              else if (line.startsWith('data: ')) data += line.slice(6)
            }
            if (data) onEvent({ event, data: JSON.parse(data) })
          }
        }
        throw new Error('stream closed')
      } catch (error) {
        if (stopped) return
        onStatus('reconnecting', String(error))
        await new Promise((r) => setTimeout(r, 1_000))
      }
    }
  }
  void run()
  return () => {
    stopped = true
    controller?.abort()
  }
}
