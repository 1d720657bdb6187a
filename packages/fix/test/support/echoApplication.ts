// The application the QuickFIX acceptance tests expect behind the acceptor (as QuickFIX's own
// `at` test application behaves, described in shared/testdata/fix44-acceptance/NOTES.md):
// echo NewOrderSingle, SecurityDefinition and Email back with the body re-serialised in ascending
// tag order (values verbatim), drop a PossResend order whose ClOrdID was already seen during this
// logon, and answer anything else with BusinessMessageReject "Unsupported Message Type".
import type { FixFieldWriter } from '../../src/codec/encoder.js'
import type { FixMessageView } from '../../src/codec/messageView.js'
import { BusinessRejectReason } from '../../src/codec/rejectReasons.js'
import type { FixLevel } from '../../src/codec/validate.js'
import type { FixApplication } from '../../src/session/types.js'

const SESSION_TAGS = new Set([8, 9, 35, 34, 43, 49, 52, 56, 122])

function writeLevel(view: FixMessageView, level: FixLevel, w: FixFieldWriter, sort: boolean): void {
  const indices = [...level.indices]
  if (sort) indices.sort((a, b) => view.tagAt(a) - view.tagAt(b))
  for (const index of indices) {
    w.str(view.tagAt(index), view.valueAt(index))
    const group = level.groups?.get(index)
    if (group) for (const entry of group.entries) writeLevel(view, entry, w, false)
  }
}

export function createEchoApplication(): FixApplication & { readonly seen: Set<string> } {
  const seen = new Set<string>()
  return {
    seen,
    onLogon() {
      seen.clear()
    },
    onMessage(message, session) {
      const { view, msgType, structure } = message
      if (msgType === 'D') {
        const clOrdId = view.get(11) ?? ''
        if (message.possResend && seen.has(clOrdId)) return
        seen.add(clOrdId)
      } else if (msgType !== 'd' && msgType !== 'C') {
        return { businessReject: { reason: BusinessRejectReason.unsupportedMessageType } }
      }
      // Header fields other than the ones the session writes itself (PossResend 97, routing)
      // travel with the echo; PossDupFlag and OrigSendingTime never do on a new message.
      const header: [number, string][] = []
      for (const index of structure.header.indices) {
        const tag = view.tagAt(index)
        if (!SESSION_TAGS.has(tag)) header.push([tag, view.valueAt(index)])
      }
      session.send({ msgType, header, writeBody: (w) => writeLevel(view, structure.body, w, true) })
      return undefined
    },
  }
}
