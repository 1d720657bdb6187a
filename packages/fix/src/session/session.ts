import {
  type Clock,
  createSystemClock,
  InputError,
  type Logger,
  noopLogger,
} from '@strongroom/core'
import { copyBytes } from '../codec/bytes.js'
import { FixEncoder, type FixFieldWriter } from '../codec/encoder.js'
import { FixMessageView } from '../codec/messageView.js'
import {
  BusinessRejectReason,
  businessRejectText,
  SessionRejectReason,
  sessionRejectText,
} from '../codec/rejectReasons.js'
import { parseUtcTimestampBytes } from '../codec/timestamp.js'
import { type TokenizeOptions, tokenizeFixMessage } from '../codec/tokenize.js'
import { FixValidator } from '../codec/validate.js'
import type { FixMessageStore } from '../store/messageStore.js'

import { type CompiledSchedule, compileSchedule } from './schedule.js'
import { businessRejectFor, type FixSessionConfig, type FixSessionDeps } from './sessionConfig.js'
import {
  assertFixIdleOptions,
  DEFAULT_SPIN_MAX_MS,
  type FixSpinHold,
  type FixSpinLoop,
  getFixSpinLoop,
} from './spinLoop.js'
import {
  type FixApplication,
  type FixApplicationResult,
  type FixInboundMessage,
  type FixOutboundMessage,
  type FixSessionEvent,
  type FixSessionHandle,
  type FixSessionId,
  type FixTransport,
  fixSessionKey,
} from './types.js'

const ADMIN_TYPES = new Set(['0', '1', '2', '3', '4', '5', 'A'])
/** Header tags the session writes itself; stored header fields besides these are kept on resend. */
const isDigits = (text: string) => /^\d{1,10}$/.test(text)
const SESSION_HEADER_TAGS = new Set([8, 9, 35, 34, 43, 49, 52, 56, 122, 10])
const REVERSE_ROUTE: readonly (readonly [number, number])[] = [
  [115, 128],
  [128, 115],
  [116, 129],
  [129, 116],
  [144, 145],
  [145, 144],
]

type HeaderField = readonly [number, string | number]

/** `tag=value<SOH>` as the encoder writes it (Latin-1, `?` for other characters). */
function encodeField(tag: number, value: string): Uint8Array {
  const text = `${tag}=${value}\x01`
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    out[i] = c > 255 ? 63 : c
  }
  return out
}
const NO_OPTIONS = {}
/** Output is written as soon as this many bytes are pending (else at the end of the turn). */
const FLUSH_AT = 65_536
/** Size of an output buffer: batches are carved from it until it is full (one allocation). */
const OUT_BUFFER = 1 << 18

/**
 * One FIX session with QuickFIX's rules: logon and logout handshakes, heartbeats and
 * TestRequests, sequence numbers with gap detection and queueing, ResendRequest served from the
 * store (admin messages collapsed into SequenceReset-GapFill, application messages resent with
 * PossDupFlag and OrigSendingTime, in bounded chunks), SequenceReset in both modes, PossDup
 * checks, SendingTime accuracy, CompID checks, dictionary validation with session Rejects and
 * BusinessMessageReject. Transport-agnostic: the acceptor and initiator feed it frames and
 * call {@link FixSession.tick}.
 */
export class FixSession implements FixSessionHandle {
  readonly id: FixSessionId
  readonly key: string
  readonly role: 'acceptor' | 'initiator'
  readonly store: FixMessageStore
  private readonly config: FixSessionConfig
  private readonly application: FixApplication
  private readonly clock: Clock
  private readonly logger: Logger
  private readonly validator: FixValidator
  private readonly encoder: FixEncoder
  private readonly schedule: CompiledSchedule | undefined
  private readonly view = new FixMessageView()
  private readonly tokenizeOptions: TokenizeOptions
  /** `49=<SenderCompID><SOH>` and `56=<TargetCompID><SOH>`, encoded once. */
  private readonly senderField: Uint8Array
  private readonly targetField: Uint8Array
  private readonly maxLatencyMs: number
  private readonly validate: boolean
  /** Set with `idleStrategy: 'spin'`: the loop held from logon to logout. */
  private readonly spinLoop: FixSpinLoop | undefined
  private readonly spinMaxMs: number
  private spinHold: FixSpinHold | undefined

  private transport: FixTransport | undefined
  private receivedLogon = false
  private sentLogon = false
  private sentLogout = false
  private receivedReset = false
  private sentReset = false
  private heartBtIntMs = 0
  private lastSentTime = 0
  private lastReceivedTime = 0
  private testRequestCount = 0
  private logonSentAt = 0
  private resendRange: [number, number] | undefined
  private readonly queue = new Map<number, FixMessageView>()
  /**
   * Output buffer, carved front to back: `[outStart, outEnd)` is pending; bytes before
   * `outStart` were handed to the transport and are never written again.
   */
  private out: Buffer | undefined
  private outStart = 0
  private outEnd = 0
  private flushScheduled = false
  private resending = false
  private held: Uint8Array[] = []
  private disconnecting = false
  /** Clock reading for the message being received, -1 outside {@link FixSession.receive}. */
  private receiveTime = -1

  constructor(config: FixSessionConfig, deps: FixSessionDeps) {
    this.config = config
    this.id = {
      beginString: config.beginString ?? 'FIX.4.4',
      senderCompId: config.senderCompId,
      targetCompId: config.targetCompId,
    }
    this.key = fixSessionKey(this.id)
    this.senderField = encodeField(49, config.senderCompId)
    this.targetField = encodeField(56, config.targetCompId)
    this.role = deps.role
    this.store = config.store
    this.application = deps.application ?? {}
    this.clock = deps.clock ?? createSystemClock()
    this.logger = deps.logger ?? noopLogger
    this.validator = new FixValidator({
      ...config.validation,
      ...(config.dictionary ? { dictionary: config.dictionary } : {}),
    })
    this.encoder = new FixEncoder({ beginString: this.id.beginString })
    this.tokenizeOptions = { dataLengthTag: this.validator.dictionary.dataLengthTag }
    this.schedule = config.schedule ? compileSchedule(config.schedule) : undefined
    this.maxLatencyMs = (config.maxLatencySeconds ?? 120) * 1000
    this.validate = config.validate ?? true
    assertFixIdleOptions(config)
    this.spinLoop = config.idleStrategy === 'spin' ? (deps.spinLoop ?? getFixSpinLoop()) : undefined
    this.spinMaxMs = config.spinMaxMs ?? DEFAULT_SPIN_MAX_MS
  }

  get isLoggedOn(): boolean {
    return this.receivedLogon && this.sentLogon
  }
  get isConnected(): boolean {
    return this.transport !== undefined
  }
  get nextSenderSeqNum(): number {
    return this.store.nextSenderSeqNum
  }
  get nextTargetSeqNum(): number {
    return this.store.nextTargetSeqNum
  }
  /** Heartbeat interval in force (seconds). */
  get heartBtInt(): number {
    return this.heartBtIntMs / 1000
  }

  private emit(event: FixSessionEvent): void {
    this.logger.debug(`fix ${this.key} ${event.type}`, event)
    this.callback(() => this.application.onEvent?.(event, this))
  }

  /** Runs an application callback; its errors are logged, never thrown into the session. */
  private callback(fn: () => void): void {
    try {
      fn()
    } catch (error) {
      this.logger.error(`fix ${this.key}: application callback failed`, { error: String(error) })
    }
  }

  /** True when `now` is inside the schedule (always, without one). */
  isSessionTime(now = this.clock.now()): boolean {
    return !this.schedule || this.schedule.periodStart(now) !== undefined
  }

  /** Resets the store when it was created before the current schedule period began. */
  private checkSessionTime(now: number): boolean {
    if (!this.schedule) return true
    const start = this.schedule.periodStart(now)
    if (start === undefined) return false
    if (this.store.creationTime < start) {
      this.emit({ type: 'info', text: 'new session period: resetting sequence numbers' })
      this.store.reset(now)
    }
    return true
  }

  // ---------------------------------------------------------------- connection lifecycle

  /** Binds the session to a connected transport; the initiator sends its Logon. */
  attach(transport: FixTransport): void {
    const now = this.clock.now()
    this.transport = transport
    this.disconnecting = false
    this.receivedLogon = false
    this.sentLogon = false
    this.sentLogout = false
    this.receivedReset = false
    this.sentReset = false
    this.testRequestCount = 0
    this.resendRange = undefined
    this.queue.clear()
    this.lastReceivedTime = now
    this.lastSentTime = now
    this.emit({ type: 'connected' })
    if (this.role === 'initiator') {
      this.checkSessionTime(now)
      this.heartBtIntMs = (this.config.heartBtInt ?? 30) * 1000
      this.generateLogon(undefined)
    }
  }

  /**
   * The transport closed (by either side). With `transport` given, only that transport: a late
   * close event of an old connection never detaches a newer one.
   */
  detached(reason: string, transport?: FixTransport): void {
    if (!this.transport || (transport !== undefined && transport !== this.transport)) return
    const wasLoggedOn = this.isLoggedOn
    this.releaseSpin()
    this.transport = undefined
    this.out = undefined
    this.outStart = 0
    this.outEnd = 0
    this.held = []
    this.resending = false
    this.receivedLogon = false
    this.sentLogon = false
    this.sentLogout = false
    this.queue.clear()
    this.resendRange = undefined
    if (this.config.resetOnDisconnect) this.store.reset(this.clock.now())
    this.store.flush()
    this.emit({ type: 'disconnected', reason })
    if (wasLoggedOn) this.callback(() => this.application.onLogout?.(this))
  }

  /** Flushes what is pending and closes the connection. */
  disconnect(reason: string): void {
    const transport = this.transport
    if (!transport || this.disconnecting) return
    this.disconnecting = true
    this.flush()
    transport.end()
    this.detached(reason)
  }

  // ---------------------------------------------------------------- output

  /** Queues bytes for the transport (copied: `bytes` may be reused afterwards). */
  private output(bytes: Uint8Array): void {
    if (this.resending) this.held.push(copyBytes(bytes))
    else this.append(bytes)
  }

  private append(bytes: Uint8Array): void {
    const pending = this.outEnd - this.outStart
    if (!this.out || this.outEnd + bytes.length > this.out.length) {
      const size = Math.max(OUT_BUFFER, (pending + bytes.length) * 2)
      const next = Buffer.allocUnsafe(size)
      if (this.out && pending > 0) next.set(this.out.subarray(this.outStart, this.outEnd))
      this.out = next
      this.outStart = 0
      this.outEnd = pending
    }
    this.out.set(bytes, this.outEnd)
    this.outEnd += bytes.length
    if (!this.flushScheduled) {
      this.flushScheduled = true
      queueMicrotask(this.flushTask)
    }
  }

  /**
   * Writes a large pending batch now (after the store has it), so that the counterparty works
   * on it while we go on: flushing only at the end of a big read makes the two sides take turns.
   */
  private flushIfLarge(): void {
    if (this.outEnd - this.outStart >= FLUSH_AT) this.flush()
  }

  private readonly flushTask = () => this.flush()

  /** Makes stored messages durable, then writes pending output. */
  flush(): void {
    this.flushScheduled = false
    this.store.flush()
    if (this.out && this.outEnd > this.outStart && this.transport) {
      // The transport may hold the bytes until written: the next batch goes after them.
      const chunk = this.out.subarray(this.outStart, this.outEnd)
      this.outStart = this.outEnd
      this.transport.write(chunk)
      this.spinHold?.activity()
    }
  }

  /** Stops holding the spin loop (logout started or connection gone). */
  private releaseSpin(): void {
    this.spinHold?.release()
    this.spinHold = undefined
  }

  /**
   * Encodes and sends a message. `seqNum` given: a SequenceReset-GapFill sent in place of older
   * numbers (not stored, sequence not advanced). Returns the MsgSeqNum used.
   */
  private sendRaw(
    msgType: string,
    writeBody: ((w: FixFieldWriter) => void) | FixOutboundMessage | undefined,
    options: {
      extraHeader?: readonly HeaderField[] | undefined
      seqNum?: number
      possDup?: boolean
      origSendingTime?: boolean
    } = {},
  ): number {
    const now = this.time()
    const seq = options.seqNum ?? this.store.nextSenderSeqNum
    const enc = this.encoder
    enc.begin(msgType)
    const extra = options.extraHeader
    if (!extra && !options.possDup) {
      enc.int(34, seq).raw(this.senderField).timestamp(52, now).raw(this.targetField)
    } else {
      const fields: HeaderField[] = [
        [34, seq],
        [49, this.id.senderCompId],
        [52, now],
        [56, this.id.targetCompId],
      ]
      if (options.possDup) fields.push([43, 'Y'])
      if (options.origSendingTime) fields.push([122, now])
      // The session writes its own header fields; an application's copies of them are ignored.
      if (extra) for (const f of extra) if (!SESSION_HEADER_TAGS.has(f[0])) fields.push(f)
      fields.sort((a, b) => a[0] - b[0])
      for (const [tag, value] of fields) {
        if (tag === 52 || tag === 122) {
          if (typeof value === 'number') enc.timestamp(tag, value)
          else enc.str(tag, value)
        } else if (typeof value === 'number') enc.int(tag, value)
        else enc.str(tag, value)
      }
    }
    if (typeof writeBody === 'function') writeBody(enc)
    else writeBody?.writeBody(enc)
    const bytes = enc.finish()
    const admin = ADMIN_TYPES.has(msgType)
    const send = this.transport !== undefined && (admin || this.isLoggedOn)
    // Stored before it is sent: the transport only gets it at the next flush, after the store's.
    if (options.seqNum === undefined) {
      this.store.put(seq, bytes)
      this.store.setNextSenderSeqNum(seq + 1)
    }
    if (send) this.output(bytes)
    if (send) {
      this.lastSentTime = now
      this.flushIfLarge()
    } else if (!this.transport) this.store.flush()
    return seq
  }

  /** Sends an application message (see {@link FixSessionHandle.send}). */
  send(message: FixOutboundMessage): number {
    return this.sendRaw(
      message.msgType,
      message,
      message.header ? { extraHeader: message.header } : NO_OPTIONS,
    )
  }

  /** Starts a logout. */
  logout(text?: string): void {
    if (!this.transport) return
    if (!this.isLoggedOn && !this.sentLogon) {
      this.disconnect('logout before logon')
      return
    }
    if (!this.sentLogout) this.generateLogout(text)
  }

  /** Refuses a Logon (authentication failed): Logout with `text`, then disconnect. */
  rejectLogon(text: string): void {
    this.generateLogout(text)
    this.disconnect(`logon rejected: ${text}`)
  }

  // ---------------------------------------------------------------- generated admin messages

  private generateLogon(answering: FixMessageView | undefined): void {
    const hb = this.heartBtIntMs / 1000
    let reset = false
    if (answering) reset = this.receivedReset
    else {
      if (this.config.resetSeqNumOnLogon) {
        this.store.reset(this.clock.now())
        this.sentReset = true
        reset = true
      }
    }
    const extra = answering ? undefined : this.config.logonFields
    this.sendRaw('A', (w) => {
      w.int(98, 0).int(108, hb)
      if (reset) w.str(141, 'Y')
      if (extra) for (const [tag, value] of extra) w.str(tag, value)
    })
    this.sentLogon = true
    this.logonSentAt = this.clock.now()
  }

  private generateLogout(text?: string): void {
    this.sendRaw('5', text === undefined ? undefined : (w) => w.str(58, text))
    this.sentLogout = true
    this.releaseSpin()
    this.emit({ type: 'logout', text })
  }

  private generateHeartbeat(testReqId?: string): void {
    this.sendRaw('0', testReqId === undefined ? undefined : (w) => w.str(112, testReqId))
  }

  private generateTestRequest(id: string): void {
    this.sendRaw('1', (w) => w.str(112, id))
  }

  private generateResendRequest(beginString: string, msgSeqNum: number): void {
    const begin = this.store.nextTargetSeqNum
    const end = beginString >= 'FIX.4.2' ? 0 : 999_999
    this.sendRaw('2', (w) => w.int(7, begin).int(16, end))
    this.resendRange = [begin, msgSeqNum - 1]
    this.emit({ type: 'resend_request_sent', begin, end: msgSeqNum - 1 })
  }

  private generateSequenceReset(begin: number, newSeqNo: number): void {
    this.sendRaw('4', (w) => w.int(36, newSeqNo).str(123, 'Y'), {
      seqNum: begin,
      possDup: true,
      origSendingTime: true,
    })
  }

  /** Session-level Reject (35=3) with QuickFIX's fields, text and reverse routing. */
  private generateReject(view: FixMessageView, reason: number, tag: number | undefined): void {
    const msgType = view.msgType
    const seqIndex = view.indexOf(34)
    const seqText = seqIndex >= 0 ? view.valueAt(seqIndex) : ''
    const seq = seqIndex >= 0 ? view.intAt(seqIndex) : Number.NaN
    if (msgType !== 'A' && msgType !== '4' && seq === this.store.nextTargetSeqNum) {
      this.store.setNextTargetSeqNum(seq + 1)
    }
    const extra: HeaderField[] = []
    for (const [from, to] of REVERSE_ROUTE) {
      const i = view.indexOf(from)
      if (i >= 0 && view.valueLengthAt(i) > 0) extra.push([to, view.valueAt(i)])
    }
    const text = sessionRejectText[reason]
    const withTag =
      tag !== undefined && (tag !== 0 || reason === SessionRejectReason.invalidTagNumber)
    this.emit({ type: 'reject_sent', refSeqNum: Number.isNaN(seq) ? undefined : seq, reason, tag })
    if (!this.receivedLogon) return // QuickFIX never rejects before logon
    this.sendRaw(
      '3',
      (w) => {
        if (isDigits(seqText)) w.str(45, seqText)
        w.str(58, text)
        if (withTag) w.int(371, tag)
        if (msgType !== '') w.str(372, msgType)
        w.int(373, reason)
      },
      { extraHeader: extra.length > 0 ? extra : undefined },
    )
  }

  private generateBusinessReject(
    view: FixMessageView,
    reason: number,
    text: string | undefined,
    refId: string | undefined,
  ): void {
    const msgType = view.msgType
    const seqText = view.get(34) ?? ''
    this.store.setNextTargetSeqNum(this.store.nextTargetSeqNum + 1)
    this.sendRaw('j', (w) => {
      if (isDigits(seqText)) w.str(45, seqText)
      w.str(58, text ?? businessRejectText[reason])
      w.str(372, msgType)
      w.str(379, refId)
      w.int(380, reason)
    })
  }

  // ---------------------------------------------------------------- input

  /** Naive MsgType lookup for garbled bytes (QuickFIX's identifyType). */
  private static identifyType(bytes: Uint8Array, start: number, end: number): string {
    for (let i = start; i < end - 4; i++) {
      if (bytes[i] === 1 && bytes[i + 1] === 51 && bytes[i + 2] === 53 && bytes[i + 3] === 61) {
        let s = ''
        for (let k = i + 4; k < end && bytes[k] !== 1; k++) s += String.fromCharCode(bytes[k]!)
        return s
      }
    }
    return ''
  }

  /**
   * The time: read once per received message and used for its checks and for what is sent while
   * handling it (one clock read instead of three per message; SendingTime has milliseconds).
   */
  private time(): number {
    return this.receiveTime >= 0 ? this.receiveTime : this.clock.now()
  }

  /** Handles one framed message from the transport. */
  receive(bytes: Uint8Array, start: number, end: number): void {
    if (!this.transport) return
    this.spinHold?.activity()
    try {
      this.receiveTime = this.clock.now()
      this.receiveFrame(bytes, start, end)
    } finally {
      this.receiveTime = -1
    }
  }

  private receiveFrame(bytes: Uint8Array, start: number, end: number): void {
    const view = this.view
    const garbled = tokenizeFixMessage(bytes, start, end, view, this.tokenizeOptions)
    if (garbled) {
      this.emit({ type: 'garbled', reason: garbled })
      if (FixSession.identifyType(bytes, start, end) === 'A' && !this.receivedLogon) {
        this.disconnect('garbled logon')
      }
      return
    }
    this.next(view, false)
    if (this.transport) this.nextQueued()
  }

  /** Processes one tokenized message. */
  private next(view: FixMessageView, queued: boolean): void {
    const now = this.time()
    if (!this.checkSessionTime(now)) {
      this.emit({ type: 'info', text: 'message outside session time' })
      this.disconnect('outside session time')
      return
    }
    const msgType = view.msgType
    // The CompIDs must at least be present (QuickFIX's FIELD_THROW_IF_NOT_FOUND).
    const missingCompId = view.indexOf(49) < 0 ? 49 : view.indexOf(56) < 0 ? 56 : 0
    if (missingCompId !== 0) {
      this.generateReject(view, SessionRejectReason.requiredTagMissing, missingCompId)
      if (msgType === 'A') this.disconnect('required field missing from logon')
      return
    }
    if (view.beginString !== this.id.beginString) {
      if (msgType === '5') this.nextLogout(view)
      else {
        this.generateLogout('Incorrect BeginString')
        this.store.setNextTargetSeqNum(this.store.nextTargetSeqNum + 1)
      }
      return
    }
    const structure = this.validator.structure(view)
    if (this.validate) {
      const failure = this.validator.validate(view, structure)
      if (failure) {
        if (failure.reason === SessionRejectReason.invalidMsgType && msgType !== '') {
          this.generateReject(view, failure.reason, undefined)
        } else this.generateReject(view, failure.reason, failure.tag)
        if (msgType === 'A') this.disconnect('invalid logon')
        return
      }
    }
    switch (msgType) {
      case 'A':
        this.nextLogon(view)
        return
      case '0':
        if (this.verify(view, true, true)) this.incrTarget()
        return
      case '1':
        if (this.verify(view, true, true)) {
          this.generateHeartbeat(view.get(112) ?? '')
          this.incrTarget()
        }
        return
      case '4':
        this.nextSequenceReset(view)
        return
      case '5':
        this.nextLogout(view)
        return
      case '2':
        this.nextResendRequest(view, queued)
        return
      case '3':
        if (this.verify(view, false, true)) this.incrTarget()
        return
    }
    if (!this.verify(view, true, true)) return
    const handler = this.application.onMessage
    // MsgSeqNum, PossDupFlag and PossResend are header fields: look among those only.
    let seqNum = Number.NaN
    let possDup = false
    let possResend = false
    const t = view.table
    for (const index of structure.header.indices) {
      const tag = t[index * 3]!
      if (tag === 34) seqNum = view.intAt(index)
      else if (tag === 43 || tag === 97) {
        const yes =
          t[index * 3 + 2]! - t[index * 3 + 1]! === 1 && view.bytes[t[index * 3 + 1]!] === 89
        if (tag === 43) possDup = yes
        else possResend = yes
      }
    }
    const message: FixInboundMessage = { view, structure, msgType, seqNum, possDup, possResend }
    let result: FixApplicationResult
    try {
      result = handler
        ? handler.call(this.application, message, this)
        : { businessReject: { reason: BusinessRejectReason.unsupportedMessageType } }
    } catch (error) {
      // The message was received in sequence: answer it rather than stall the session.
      result = { businessReject: businessRejectFor(error) }
      if (!(error instanceof InputError)) {
        this.logger.error(`fix ${this.key}: application error`, { error: String(error), msgType })
      }
    }
    if (result && 'businessReject' in result) {
      const r = result.businessReject
      this.generateBusinessReject(view, r.reason, r.text, r.refId)
    } else this.incrTarget()
  }

  private incrTarget(): void {
    this.store.setNextTargetSeqNum(this.store.nextTargetSeqNum + 1)
  }

  private nextQueued(): void {
    if (this.queue.size === 0) return
    for (;;) {
      const expected = this.store.nextTargetSeqNum
      const queued = this.queue.get(expected)
      if (!queued) return
      this.queue.delete(expected)
      // Older entries can never be used any more.
      for (const seq of this.queue.keys()) if (seq < expected) this.queue.delete(seq)
      const type = queued.msgType
      if (type === 'A' || type === '2') this.incrTarget()
      else this.next(queued, true)
      if (!this.transport) return
    }
  }

  /** QuickFIX's validLogonState. */
  private validLogonState(msgType: string): boolean {
    if ((msgType === 'A' && this.sentReset) || this.receivedReset) return true
    if ((msgType === 'A' && !this.receivedLogon) || (msgType !== 'A' && this.receivedLogon))
      return true
    if (msgType === '5' && this.sentLogon) return true
    if (msgType !== '5' && this.sentLogout) return true
    if (msgType === '4' || msgType === '3') return true
    return false
  }

  /** QuickFIX's verify: logon state, SendingTime, CompIDs, sequence number; then bookkeeping. */
  private verify(view: FixMessageView, checkTooHigh: boolean, checkTooLow: boolean): boolean {
    const msgType = view.msgType
    if (!this.validLogonState(msgType)) {
      this.emit({ type: 'info', text: `logon state is not valid for message ${msgType}` })
      this.disconnect('logon state is not valid for message')
      return false
    }
    const now = this.time()
    if (this.config.checkLatency ?? true) {
      const i = view.indexOf(52)
      const sent =
        i >= 0
          ? parseUtcTimestampBytes(view.bytes, view.table[i * 3 + 1]!, view.table[i * 3 + 2]!)
          : Number.NaN
      if (Number.isNaN(sent) || Math.abs(now - sent) > this.maxLatencyMs) {
        this.generateReject(view, SessionRejectReason.sendingTimeAccuracyProblem, undefined)
        if (!this.receivedLogon) {
          this.disconnect('SendingTime accuracy problem on logon')
          return false
        }
        this.generateLogout()
        return false
      }
    }
    const sender = view.indexOf(49)
    const target = view.indexOf(56)
    if (
      !view.valueEquals(sender, this.id.targetCompId) ||
      !view.valueEquals(target, this.id.senderCompId)
    ) {
      this.generateReject(view, SessionRejectReason.compIdProblem, undefined)
      if (!this.receivedLogon) {
        this.disconnect('CompID problem on logon')
        return false
      }
      this.generateLogout()
      return false
    }
    if (checkTooHigh || checkTooLow) {
      const seqIndex = view.indexOf(34)
      const seq = seqIndex >= 0 ? view.intAt(seqIndex) : Number.NaN
      if (Number.isNaN(seq)) {
        this.disconnect('MsgSeqNum missing or malformed')
        return false
      }
      const expected = this.store.nextTargetSeqNum
      if (checkTooHigh && seq > expected) {
        this.doTargetTooHigh(view, seq)
        return false
      }
      if (checkTooLow && seq < expected) {
        this.doTargetTooLow(view, seq, expected)
        return false
      }
      if (this.resendRange && seq >= this.resendRange[1]) this.resendRange = undefined
    }
    this.lastReceivedTime = now
    this.testRequestCount = 0
    return true
  }

  private doTargetTooHigh(view: FixMessageView, seq: number): void {
    this.emit({
      type: 'info',
      text: `MsgSeqNum too high, expecting ${this.store.nextTargetSeqNum} but received ${seq}`,
    })
    if (this.queue.size < (this.config.maxQueuedMessages ?? 10_000))
      this.queue.set(seq, view.clone())
    if (this.resendRange && seq >= this.resendRange[0]) return
    this.generateResendRequest(view.beginString, seq)
  }

  private doTargetTooLow(view: FixMessageView, seq: number, expected: number): void {
    if (!view.isByte(43, 89)) {
      const text = `MsgSeqNum too low, expecting ${expected} but received ${seq}`
      this.generateLogout(text)
      this.disconnect(text)
      return
    }
    this.doPossDup(view)
  }

  private doPossDup(view: FixMessageView): boolean {
    if (view.msgType === '4') return true
    const orig = view.indexOf(122)
    if (orig < 0) {
      this.generateReject(view, SessionRejectReason.requiredTagMissing, 122)
      return false
    }
    const sending = view.indexOf(52)
    const o = parseUtcTimestampBytes(
      view.bytes,
      view.table[orig * 3 + 1]!,
      view.table[orig * 3 + 2]!,
    )
    const s = parseUtcTimestampBytes(
      view.bytes,
      view.table[sending * 3 + 1]!,
      view.table[sending * 3 + 2]!,
    )
    if (o > s) {
      this.generateReject(view, SessionRejectReason.sendingTimeAccuracyProblem, undefined)
      this.generateLogout()
      return false
    }
    return true
  }

  private nextLogon(view: FixMessageView): void {
    const now = this.clock.now()
    if (!this.isSessionTime(now)) {
      this.disconnect('logon outside session time')
      return
    }
    const resetFlag = view.isByte(141, 89)
    this.receivedReset = resetFlag
    if (resetFlag && !this.sentReset) this.store.reset(now)
    if (this.role === 'initiator' && !this.sentLogon && !resetFlag) {
      this.disconnect('received logon response before sending request')
      return
    }
    if (this.role === 'acceptor' && this.config.resetOnLogon) this.store.reset(now)
    if (!this.verify(view, false, true)) return
    this.receivedLogon = true
    if (this.role === 'acceptor' || (this.receivedReset && !this.sentReset)) {
      const hb = view.getInt(108) ?? 30
      this.heartBtIntMs = Number.isFinite(hb) && hb >= 0 ? hb * 1000 : 30_000
      this.generateLogon(view)
    }
    this.sentReset = false
    this.receivedReset = false
    const seq = view.intAt(view.indexOf(34))
    if (seq > this.store.nextTargetSeqNum && !resetFlag) this.doTargetTooHigh(view, seq)
    else {
      this.incrTarget()
      this.nextQueued()
    }
    if (this.isLoggedOn) {
      if (this.spinLoop && !this.spinHold && !this.sentLogout) {
        this.spinHold = this.spinLoop.hold(this.spinMaxMs)
      }
      this.emit({ type: 'logon' })
      this.callback(() => this.application.onLogon?.(this))
    }
  }

  private nextLogout(view: FixMessageView): void {
    if (!this.verify(view, false, false)) return
    this.emit({ type: 'logout_received', text: view.get(58) })
    this.releaseSpin()
    if (!this.sentLogout) this.generateLogout()
    this.incrTarget()
    if (this.config.resetOnLogout) this.store.reset(this.clock.now())
    this.disconnect('logout')
  }

  private nextSequenceReset(view: FixMessageView): void {
    const gapFill = view.isByte(123, 89)
    if (!this.verify(view, gapFill, gapFill)) return
    const i = view.indexOf(36)
    if (i < 0) return
    const newSeqNo = view.intAt(i)
    this.emit({ type: 'sequence_reset', newSeqNo, gapFill })
    const expected = this.store.nextTargetSeqNum
    if (newSeqNo > expected) this.store.setNextTargetSeqNum(newSeqNo)
    else if (newSeqNo < expected) {
      this.generateReject(view, SessionRejectReason.valueIsIncorrect, undefined)
    }
  }

  private nextResendRequest(view: FixMessageView, queued: boolean): void {
    if (!this.verify(view, false, false)) return
    const begin = view.getInt(7) ?? 0
    let end = view.getInt(16) ?? 0
    const next = this.store.nextSenderSeqNum
    this.emit({ type: 'resend_request_received', begin, end })
    if ((this.id.beginString >= 'FIX.4.2' && end === 0) || end === 999_999 || end >= next)
      end = next - 1
    this.resend(begin, end)
    const seq = view.intAt(view.indexOf(34))
    const expected = this.store.nextTargetSeqNum
    if (seq === expected) this.incrTarget()
    else if (seq > expected && !queued) {
      // Served already; keep its number so the gap below it is still filled.
      this.doTargetTooHigh(view, seq)
    }
  }

  /**
   * Serves a resend range from the store in chunks: admin messages (and messages missing from
   * the store) collapse into SequenceReset-GapFill, application messages are resent with
   * PossDupFlag=Y and OrigSendingTime. New messages are held until the resend completes.
   */
  private resend(begin: number, end: number): void {
    const chunk = Math.max(1, this.config.resendChunkSize ?? 1000)
    const delay = this.config.resendChunkDelayMs ?? 0
    let current = Math.max(1, begin)
    let gapStart = 0
    const resendView = new FixMessageView()
    const step = (): void => {
      if (!this.transport) return
      const batch = current <= end ? this.store.getRange(current, end, chunk) : []
      if (batch.length > 0) {
        this.emit({
          type: 'resend_chunk',
          from: current,
          to: batch[batch.length - 1]!.seqNum,
          messages: batch.length,
        })
      }
      for (const stored of batch) {
        if (stored.seqNum !== current && gapStart === 0) gapStart = current
        const bytes = stored.bytes
        if (tokenizeFixMessage(bytes, 0, bytes.length, resendView) !== undefined) {
          if (gapStart === 0) gapStart = stored.seqNum
        } else if (ADMIN_TYPES.has(resendView.msgType)) {
          if (gapStart === 0) gapStart = stored.seqNum
        } else {
          if (gapStart !== 0) {
            this.writeResendPart(() => this.generateSequenceReset(gapStart, stored.seqNum))
            gapStart = 0
          }
          this.writeResendPart(() => this.resendStored(resendView))
        }
        current = stored.seqNum + 1
      }
      const done = batch.length < chunk || current > end
      if (!done) {
        this.resending = true
        const timer = delay > 0 ? setTimeout(step, delay) : setImmediate(step)
        if (typeof timer === 'object' && 'unref' in timer) timer.unref?.()
        return
      }
      if (gapStart === 0 && current <= end) gapStart = current
      if (gapStart !== 0) {
        const newSeqNo = Math.min(end + 1, this.store.nextSenderSeqNum)
        this.writeResendPart(() => this.generateSequenceReset(gapStart, newSeqNo))
      }
      if (this.resending) {
        this.resending = false
        for (const held of this.held) this.append(held)
        this.held = []
      }
    }
    step()
  }

  /** Sends during a resend even while newer output is held. */
  private writeResendPart(send: () => void): void {
    const resending = this.resending
    this.resending = false
    send()
    this.resending = resending
  }

  /** Re-encodes a stored application message with PossDupFlag, OrigSendingTime, new SendingTime. */
  private resendStored(stored: FixMessageView): void {
    const seq = stored.intAt(stored.indexOf(34))
    const origIndex = stored.indexOf(52)
    const orig = origIndex >= 0 ? stored.valueAt(origIndex) : ''
    const extra: HeaderField[] = [[122, orig]]
    let bodyStart = -1
    for (let i = 3; i < stored.count - 1; i++) {
      const tag = stored.tagAt(i)
      if (bodyStart < 0 && !this.validator.dictionary.isHeaderTag(tag)) bodyStart = i
      if (bodyStart < 0 && !SESSION_HEADER_TAGS.has(tag)) extra.push([tag, stored.valueAt(i)])
    }
    const t = stored.table
    const from = bodyStart < 0 ? -1 : t[(bodyStart - 1) * 3 + 2]! + 1
    const to = t[(stored.count - 2) * 3 + 2]! + 1
    const now = this.clock.now()
    const enc = this.encoder
    enc.begin(stored.msgType)
    const fields: HeaderField[] = [
      [34, seq],
      [43, 'Y'],
      [49, this.id.senderCompId],
      [52, now],
      [56, this.id.targetCompId],
      ...extra,
    ]
    fields.sort((a, b) => a[0] - b[0])
    for (const [tag, value] of fields) {
      if (tag === 52 && typeof value === 'number') enc.timestamp(52, value)
      else if (typeof value === 'number') enc.int(tag, value)
      else enc.str(tag, value)
    }
    if (from >= 0 && to > from) enc.raw(stored.bytes.subarray(from, to))
    this.output(enc.finish())
    this.lastSentTime = now
    this.flushIfLarge()
  }

  // ---------------------------------------------------------------- timers

  /** Heartbeats, TestRequests and timeouts; call about once a second (the transports do). */
  tick(now = this.clock.now()): void {
    if (!this.transport) return
    if (!this.checkSessionTime(now)) {
      if (this.isLoggedOn && !this.sentLogout) this.generateLogout('session time ended')
      else if (!this.isLoggedOn) {
        this.disconnect('outside session time')
        return
      }
    }
    if (!this.receivedLogon) {
      const since = this.role === 'initiator' ? now - this.logonSentAt : now - this.lastReceivedTime
      if (since >= (this.config.logonTimeoutSeconds ?? 10) * 1000) {
        this.disconnect('timed out waiting for logon')
      }
      return
    }
    const hb = this.heartBtIntMs
    if (hb === 0) return
    if (
      this.sentLogout &&
      now - this.lastSentTime >= (this.config.logoutTimeoutSeconds ?? 2) * 1000
    ) {
      this.disconnect('timed out waiting for logout response')
      return
    }
    if (now - this.lastSentTime < hb && now - this.lastReceivedTime < hb) return
    if (now - this.lastReceivedTime >= 2.4 * hb) {
      this.disconnect('timed out waiting for heartbeat')
      return
    }
    if (now - this.lastReceivedTime >= 1.2 * (this.testRequestCount + 1) * hb) {
      this.generateTestRequest(this.config.testRequestId ?? 'TEST')
      this.testRequestCount++
    } else if (now - this.lastSentTime >= hb && this.testRequestCount === 0) {
      this.generateHeartbeat()
    }
  }
}
