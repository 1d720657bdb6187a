// Typed builders and readers for the session-level (administrative) messages.
import type { FixMessageView } from '../codec/messageView.js'
import type { FixOutboundMessage } from '../session/types.js'
import { buildMessage, type MessageSpec, readMessage } from './spec.js'

/** Logon (35=A) body. */
export type Logon = {
  encryptMethod: number
  heartBtInt: number
  resetSeqNumFlag?: boolean
  username?: string
  password?: string
}
/** Heartbeat (35=0) body. */
export type Heartbeat = { testReqId?: string }
/** TestRequest (35=1) body. */
export type TestRequest = { testReqId: string }
/** ResendRequest (35=2) body. */
export type ResendRequest = { beginSeqNo: number; endSeqNo: number }
/** Reject (35=3) body. */
export type Reject = {
  refSeqNum: number
  refTagId?: number
  refMsgType?: string
  sessionRejectReason?: number
  text?: string
}
/** SequenceReset (35=4) body. */
export type SequenceReset = { gapFillFlag?: boolean; newSeqNo: number }
/** Logout (35=5) body. */
export type Logout = { text?: string }
/** BusinessMessageReject (35=j) body. */
export type BusinessMessageReject = {
  refSeqNum?: number
  refMsgType: string
  businessRejectRefId?: string
  businessRejectReason: number
  text?: string
}

export const logonSpec: MessageSpec = {
  msgType: 'A',
  name: 'Logon',
  fields: [
    { key: 'encryptMethod', tag: 98, kind: 'int', required: true },
    { key: 'heartBtInt', tag: 108, kind: 'int', required: true },
    { key: 'resetSeqNumFlag', tag: 141, kind: 'bool' },
    { key: 'username', tag: 553, kind: 'string' },
    { key: 'password', tag: 554, kind: 'string' },
  ],
}
export const heartbeatSpec: MessageSpec = {
  msgType: '0',
  name: 'Heartbeat',
  fields: [{ key: 'testReqId', tag: 112, kind: 'string' }],
}
export const testRequestSpec: MessageSpec = {
  msgType: '1',
  name: 'TestRequest',
  fields: [{ key: 'testReqId', tag: 112, kind: 'string', required: true }],
}
export const resendRequestSpec: MessageSpec = {
  msgType: '2',
  name: 'ResendRequest',
  fields: [
    { key: 'beginSeqNo', tag: 7, kind: 'int', required: true },
    { key: 'endSeqNo', tag: 16, kind: 'int', required: true },
  ],
}
export const rejectSpec: MessageSpec = {
  msgType: '3',
  name: 'Reject',
  fields: [
    { key: 'refSeqNum', tag: 45, kind: 'int', required: true },
    { key: 'text', tag: 58, kind: 'string' },
    { key: 'refTagId', tag: 371, kind: 'int' },
    { key: 'refMsgType', tag: 372, kind: 'string' },
    { key: 'sessionRejectReason', tag: 373, kind: 'int' },
  ],
}
export const sequenceResetSpec: MessageSpec = {
  msgType: '4',
  name: 'SequenceReset',
  fields: [
    { key: 'newSeqNo', tag: 36, kind: 'int', required: true },
    { key: 'gapFillFlag', tag: 123, kind: 'bool' },
  ],
}
export const logoutSpec: MessageSpec = {
  msgType: '5',
  name: 'Logout',
  fields: [{ key: 'text', tag: 58, kind: 'string' }],
}
export const businessMessageRejectSpec: MessageSpec = {
  msgType: 'j',
  name: 'BusinessMessageReject',
  fields: [
    { key: 'refSeqNum', tag: 45, kind: 'int' },
    { key: 'text', tag: 58, kind: 'string' },
    { key: 'refMsgType', tag: 372, kind: 'string', required: true },
    { key: 'businessRejectRefId', tag: 379, kind: 'string' },
    { key: 'businessRejectReason', tag: 380, kind: 'int', required: true },
  ],
}

/** Builds a Logon. @throws {MissingFixFieldError} @throws {InvalidFixFieldError} */
export const buildLogon = (v: Logon): FixOutboundMessage => buildMessage(logonSpec, v)
/** Reads a Logon. @throws {MissingFixFieldError} @throws {InvalidFixFieldError} */
export const readLogon = (view: FixMessageView): Logon => readMessage(logonSpec, view) as Logon
/** Builds a Heartbeat. */
export const buildHeartbeat = (v: Heartbeat): FixOutboundMessage => buildMessage(heartbeatSpec, v)
/** Reads a Heartbeat. */
export const readHeartbeat = (view: FixMessageView): Heartbeat =>
  readMessage(heartbeatSpec, view) as Heartbeat
/** Builds a TestRequest. */
export const buildTestRequest = (v: TestRequest): FixOutboundMessage =>
  buildMessage(testRequestSpec, v)
/** Reads a TestRequest. */
export const readTestRequest = (view: FixMessageView): TestRequest =>
  readMessage(testRequestSpec, view) as TestRequest
/** Builds a ResendRequest. */
export const buildResendRequest = (v: ResendRequest): FixOutboundMessage =>
  buildMessage(resendRequestSpec, v)
/** Reads a ResendRequest. */
export const readResendRequest = (view: FixMessageView): ResendRequest =>
  readMessage(resendRequestSpec, view) as ResendRequest
/** Builds a Reject. */
export const buildReject = (v: Reject): FixOutboundMessage => buildMessage(rejectSpec, v)
/** Reads a Reject. */
export const readReject = (view: FixMessageView): Reject => readMessage(rejectSpec, view) as Reject
/** Builds a SequenceReset. */
export const buildSequenceReset = (v: SequenceReset): FixOutboundMessage =>
  buildMessage(sequenceResetSpec, v)
/** Reads a SequenceReset. */
export const readSequenceReset = (view: FixMessageView): SequenceReset =>
  readMessage(sequenceResetSpec, view) as SequenceReset
/** Builds a Logout. */
export const buildLogout = (v: Logout): FixOutboundMessage => buildMessage(logoutSpec, v)
/** Reads a Logout. */
export const readLogout = (view: FixMessageView): Logout => readMessage(logoutSpec, view) as Logout
/** Builds a BusinessMessageReject. */
export const buildBusinessMessageReject = (v: BusinessMessageReject): FixOutboundMessage =>
  buildMessage(businessMessageRejectSpec, v)
/** Reads a BusinessMessageReject. */
export const readBusinessMessageReject = (view: FixMessageView): BusinessMessageReject =>
  readMessage(businessMessageRejectSpec, view) as BusinessMessageReject
