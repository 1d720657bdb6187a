import type { FixFieldWriter } from '../codec/encoder.js'
import type { FixMessageView } from '../codec/messageView.js'
import type { BusinessRejectReason } from '../codec/rejectReasons.js'
import type { FixStructure } from '../codec/validate.js'

/** Identifies a session: BeginString and the two CompIDs from this side's point of view. */
export type FixSessionId = {
  readonly beginString: string
  /** Our CompID (SenderCompID, 49, on what we send). */
  readonly senderCompId: string
  /** The counterparty's CompID (TargetCompID, 56, on what we send). */
  readonly targetCompId: string
}

/** `FIX.4.4:ISLD->TW44`: a session's key in maps, logs and file names. */
export function fixSessionKey(id: FixSessionId): string {
  return `${id.beginString}:${id.senderCompId}->${id.targetCompId}`
}

/** The byte pipe a session writes to (a TCP or TLS socket, or a test double). */
export type FixTransport = {
  write(bytes: Uint8Array): void
  /** Ends the connection after the bytes written so far. */
  end(): void
}

/** A message to send: its type, optional extra header fields and a body writer. */
export type FixOutboundMessage = {
  readonly msgType: string
  /** Extra header fields (e.g. OnBehalfOfCompID, 115), written in ascending tag order. */
  readonly header?: readonly (readonly [tag: number, value: string])[] | undefined
  /** Writes the body fields, in order. */
  writeBody(writer: FixFieldWriter): void
}

/** An application message received in sequence, handed to {@link FixApplication.onMessage}. */
export type FixInboundMessage = {
  /** The tokenized message; valid during the callback only (use `view.clone()` to keep it). */
  readonly view: FixMessageView
  /** Header, body (with repeating groups) and trailer as the dictionary sees them. */
  readonly structure: FixStructure
  readonly msgType: string
  readonly seqNum: number
  /** PossDupFlag (43): the counterparty may have sent this message before. */
  readonly possDup: boolean
  /** PossResend (97). */
  readonly possResend: boolean
}

/** What an application may answer to a message: nothing, or a BusinessMessageReject. */
export type FixApplicationResult =
  | undefined
  | {
      readonly businessReject: {
        readonly reason: BusinessRejectReason
        /** Text (58); default: QuickFIX's text for the reason. */
        readonly text?: string
        /** BusinessRejectRefID (379). */
        readonly refId?: string
      }
    }

/** Something that happened in a session, for logs and tests. */
export type FixSessionEvent =
  | { readonly type: 'connected' }
  | { readonly type: 'disconnected'; readonly reason: string }
  | { readonly type: 'logon' }
  | { readonly type: 'logout'; readonly text: string | undefined }
  | { readonly type: 'logout_received'; readonly text: string | undefined }
  | { readonly type: 'garbled'; readonly reason: string }
  | {
      readonly type: 'reject_sent'
      readonly refSeqNum: number | undefined
      readonly reason: number
      readonly tag: number | undefined
    }
  | { readonly type: 'resend_request_sent'; readonly begin: number; readonly end: number }
  | { readonly type: 'resend_request_received'; readonly begin: number; readonly end: number }
  | {
      readonly type: 'resend_chunk'
      readonly from: number
      readonly to: number
      readonly messages: number
    }
  | { readonly type: 'sequence_reset'; readonly newSeqNo: number; readonly gapFill: boolean }
  | { readonly type: 'info'; readonly text: string }

/** The application side of a session (all callbacks optional). */
export type FixApplication = {
  /** The session logged on. */
  onLogon?(session: FixSessionHandle): void
  /** The session logged out or lost its connection after logon. */
  onLogout?(session: FixSessionHandle): void
  /**
   * An application message arrived in sequence and passed validation. Return a
   * `businessReject` to answer it with a BusinessMessageReject (35=j).
   */
  onMessage?(message: FixInboundMessage, session: FixSessionHandle): FixApplicationResult
  /** Observes session events. */
  onEvent?(event: FixSessionEvent, session: FixSessionHandle): void
}

/** What applications see of a session. */
export type FixSessionHandle = {
  readonly id: FixSessionId
  readonly key: string
  readonly isLoggedOn: boolean
  readonly nextSenderSeqNum: number
  readonly nextTargetSeqNum: number
  /**
   * Sends an application message: stored under the next MsgSeqNum, written now when logged on,
   * otherwise delivered later through the counterparty's ResendRequest. Returns the MsgSeqNum.
   */
  send(message: FixOutboundMessage): number
  /** Starts a logout (Logout, then disconnect on the answer or after the logout timeout). */
  logout(text?: string): void
}
