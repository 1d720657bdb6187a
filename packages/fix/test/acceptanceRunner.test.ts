// The conformance runner itself must be able to fail: framing, substitutions and comparison.
import { describe, expect, it } from 'vitest'
import { createFixAcceptor } from '../src/session/acceptor.js'
import { createMemoryStore } from '../src/store/messageStore.js'
import {
  compareMessages,
  parseDefinition,
  prepare,
  runDefinition,
} from './support/acceptanceRunner.js'
import { createEchoApplication } from './support/echoApplication.js'

const S = '\x01'
const def = (lines: string[]) => parseDefinition(lines.join('\n').replaceAll('|', S))

describe('acceptance runner', () => {
  it('parses steps with connection ids', () => {
    expect(
      def([
        '# c',
        '',
        'i1,CONNECT',
        'I2,8=FIX.4.4|35=0|',
        'E8=FIX.4.4|35=0|',
        'e2,DISCONNECT',
        'iDISCONNECT',
      ]).map((s) => [s.kind, s.conn]),
    ).toEqual([
      ['connect', 1],
      ['send', 2],
      ['expect', 1],
      ['expectDisconnect', 2],
      ['disconnect', 1],
    ])
    expect(() => def(['X8=FIX'])).toThrow(/cannot parse/)
  })

  it('substitutes times and frames messages (explicit 9 and 10 kept)', () => {
    const now = Date.UTC(2024, 0, 2, 3, 4, 5)
    expect(prepare('8=FIX.4.4|35=0|52=<TIME-1>|'.replaceAll('|', S), now).replaceAll(S, '|')).toBe(
      '8=FIX.4.4|9=26|35=0|52=20240102-03:04:04|10=' +
        prepare('8=FIX.4.4|35=0|52=<TIME-1>|'.replaceAll('|', S), now).slice(-4, -1) +
        '|',
    )
    expect(prepare('8=FIX.4.4|9=5|35=0|10=256|'.replaceAll('|', S), now).replaceAll(S, '|')).toBe(
      '8=FIX.4.4|9=5|35=0|10=256|',
    )
    expect(prepare('35=0|8=FIX.4.4|'.replaceAll('|', S), now)).toBe(
      '35=0|8=FIX.4.4|'.replaceAll('|', S),
    )
  })

  it('compares field by field, with formats for times and CheckSum', () => {
    const e = '8=FIX.4.4|9=5|52=00000000-00:00:00.000|10=0|'.replaceAll('|', S)
    expect(
      compareMessages(e, '8=FIX.4.4|9=5|52=20240102-03:04:05.123|10=123|'.replaceAll('|', S)),
    ).toBeUndefined()
    expect(
      compareMessages(e, '8=FIX.4.4|9=6|52=20240102-03:04:05.123|10=123|'.replaceAll('|', S)),
    ).toMatch(/tag 9/)
    expect(compareMessages(e, '8=FIX.4.4|9=5|10=123|'.replaceAll('|', S))).toMatch(/field count/)
    expect(compareMessages(e, '8=FIX.4.4|9=5|52=bad|10=123|'.replaceAll('|', S))).toMatch(/tag 52/)
  })

  it('fails a session that does not answer as scripted', async () => {
    const acceptor = createFixAcceptor({
      host: '127.0.0.1',
      port: 0,
      sessions: [
        {
          senderCompId: 'ISLD',
          targetCompId: 'TW44',
          store: createMemoryStore(),
          resetOnLogon: true,
        },
      ],
      application: createEchoApplication(),
    })
    const { port } = await acceptor.listen()
    try {
      const logon = 'I8=FIX.4.4|35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|'
      await expect(
        runDefinition(
          def([
            'iCONNECT',
            logon,
            'E8=FIX.4.4|9=63|35=A|34=1|49=ISLD|52=00000000-00:00:00.000|56=TW44|98=0|108=31|10=0|',
          ]),
          port,
        ),
      ).rejects.toThrow(/tag 108/)
      await expect(runDefinition(def(['iCONNECT', logon, 'eDISCONNECT']), port)).rejects.toThrow(
        /Expected disconnection, got data/,
      )
      const ok = await runDefinition(
        def([
          'iCONNECT',
          logon,
          'E8=FIX.4.4|9=63|35=A|34=1|49=ISLD|52=00000000-00:00:00.000|56=TW44|98=0|108=30|10=0|',
        ]),
        port,
      )
      expect(ok).toEqual({ sent: 1, received: 1 })
    } finally {
      await acceptor.close()
    }
  })
})
