import type { Clock, Logger } from '@strongroom/core'
import { InputError } from '@strongroom/core'
import { BusinessRejectReason } from '../codec/rejectReasons.js'
import type { FixValidatorOptions } from '../codec/validate.js'
import type { FixDictionary } from '../dictionary/dictionary.js'
import { MissingFixFieldError } from '../errors.js'
import type { FixMessageStore } from '../store/messageStore.js'
import type { FixSessionSchedule } from './schedule.js'
import type { FixIdleStrategy, FixSpinLoop } from './spinLoop.js'
import type { FixApplication } from './types.js'

/** Configuration of one FIX session (QuickFIX setting names in brackets). */
export type FixSessionConfig = {
  /** Our CompID [SenderCompID]. */
  senderCompId: string
  /** The counterparty's CompID [TargetCompID]. */
  targetCompId: string
  /** Default `FIX.4.4` [BeginString]. */
  beginString?: string
  /** Where sequence numbers and sent messages are kept. */
  store: FixMessageStore
  /** Heartbeat interval the initiator asks for, seconds (default 30) [HeartBtInt]. */
  heartBtInt?: number
  /** Reset sequence numbers on every Logon (default false) [ResetOnLogon]. */
  resetOnLogon?: boolean
  /** Reset after a Logout exchange (default false) [ResetOnLogout]. */
  resetOnLogout?: boolean
  /** Reset when the connection drops (default false) [ResetOnDisconnect]. */
  resetOnDisconnect?: boolean
  /** Check SendingTime against the clock (default true) [CheckLatency]. */
  checkLatency?: boolean
  /** Largest SendingTime difference accepted, seconds (default 120) [MaxLatency]. */
  maxLatencySeconds?: number
  /** Seconds to wait for the Logon answer (default 10) [LogonTimeout]. */
  logonTimeoutSeconds?: number
  /** Seconds to wait for the Logout answer (default 2) [LogoutTimeout]. */
  logoutTimeoutSeconds?: number
  /** Messages served per chunk when answering a ResendRequest (default 1000). */
  resendChunkSize?: number
  /** Pause between resend chunks, ms (default 0: next event-loop turn) — rate limit. */
  resendChunkDelayMs?: number
  /** Most out-of-order messages queued while a gap is filled (default 10 000). */
  maxQueuedMessages?: number
  /** When the session may be logged on; new periods reset sequence numbers. */
  schedule?: FixSessionSchedule
  /** Validate inbound messages against the dictionary (default true) [UseDataDictionary]. */
  validate?: boolean
  /** Validation switches (dictionary, out-of-order, empty values, user-defined fields). */
  validation?: FixValidatorOptions
  /** Data dictionary (default FIX 4.4). */
  dictionary?: FixDictionary
  /** Set ResetSeqNumFlag (141=Y) on the Logon the initiator sends and reset first. */
  resetSeqNumOnLogon?: boolean
  /** Extra fields on the Logon the initiator sends, e.g. Username (553) and Password (554). */
  logonFields?: readonly (readonly [tag: number, value: string])[]
  /** TestReqID used on TestRequests this side sends (default `TEST`). */
  testRequestId?: string
  /**
   * How the process waits for this session's next message while it is logged on (default
   * `sleep`). `spin` keeps the event loop polling, for the lowest latency at the price of a
   * busy core: see {@link FixIdleStrategy}.
   */
  idleStrategy?: FixIdleStrategy
  /**
   * With `idleStrategy: 'spin'`: ms without any message sent or received after which the
   * process sleeps again until the next message (default 1000).
   */
  spinMaxMs?: number
}

/** Runtime dependencies of a session. */
export type FixSessionDeps = {
  role: 'acceptor' | 'initiator'
  application?: FixApplication | undefined
  clock?: Clock | undefined
  logger?: Logger | undefined
  /** The loop `idleStrategy: 'spin'` holds (default: the process-wide one, `getFixSpinLoop()`). */
  spinLoop?: FixSpinLoop | undefined
}

/** The BusinessMessageReject for an application that threw while handling a message. */
export function businessRejectFor(error: unknown): { reason: BusinessRejectReason; text: string } {
  if (error instanceof MissingFixFieldError) {
    return {
      reason: BusinessRejectReason.conditionallyRequiredFieldMissing,
      text: error.shortMessage,
    }
  }
  if (error instanceof InputError)
    return { reason: BusinessRejectReason.other, text: error.shortMessage }
  return { reason: BusinessRejectReason.applicationNotAvailable, text: 'Application not available' }
}
