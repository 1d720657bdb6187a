// The peer: jspurefix (npm), driven through its public classes the way its own parse benchmark
// does (AsciiParser over a session scope, view.toObject(), AsciiMsgTransmitter.encodeMessage).
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const root = dirname(createRequire(import.meta.url).resolve('jspurefix/package.json'))
// Resolve from jspurefix's own folder so that its dependencies (reflect-metadata, tsyringe) load.
const require = createRequire(join(root, 'package.json'))
require('reflect-metadata')
const dist = (p: string) => require(join(root, 'dist', p))

type View = { toObject(): unknown; getString(tag: number): string | null }
type Parser = {
  on(e: 'msg', f: (msgType: string, view: View) => void): void
  parseBuffer(b: Buffer): void
}
type Transmitter = {
  encodeMessage(msgType: string, obj: unknown): unknown
  buffer: { getPos(): number; slice(): Buffer }
}

export type JspurefixPeer = {
  version: string
  /** Parses `bytes` (one or more messages); calls `onView` for each. */
  makeParser(onView: (msgType: string, view: View) => void): Parser
  makeTransmitter(): Transmitter
}

export async function createJspurefixPeer(): Promise<JspurefixPeer> {
  const { SessionContainer } = dist('runtime')
  const { DITokens } = dist('runtime/di-tokens')
  const { DefinitionFactory } = dist('util')
  const { makeSessionScope } = dist('runtime/session-scope')
  const { AsciiParser } = dist('buffer/ascii/ascii-parser')
  const { AsciiMsgTransmitter } = dist('transport/ascii/ascii-msg-transmitter')
  const sys = new SessionContainer()
  sys.registerGlobal('error')
  const description = {
    application: {
      reconnectSeconds: 10,
      type: 'initiator',
      name: 'bench',
      tcp: { host: 'localhost', port: 1 },
      protocol: 'ascii',
      dictionary: 'qf44',
    },
    EncryptMethod: 0,
    ResetSeqNumFlag: true,
    HeartBtInt: 30,
    SenderCompId: 'ISLD',
    TargetCompID: 'TW44',
    BeginString: 'FIX.4.4',
  }
  const container = await sys.makeSystem(description)
  const config = container.resolve(DITokens.IJsFixConfig)
  config.definitions = await new DefinitionFactory().getDefinitions('qf44')
  config.delimiter = 1
  config.logDelimiter = 1
  return {
    version: require(join(root, 'package.json')).version,
    makeParser(onView) {
      const scoped = makeSessionScope(config)
      const c = scoped.sessionContainer
      const parser: Parser = new AsciiParser(
        scoped,
        null,
        c.resolve(DITokens.ParseBuffer),
        c.resolve(DITokens.maxMessageLen),
      )
      parser.on('msg', onView)
      return parser
    },
    makeTransmitter() {
      const scoped = makeSessionScope(config)
      return new AsciiMsgTransmitter(scoped)
    },
  }
}
