import { describe, expect, it } from 'vitest'
import { frame, NOS } from '../../test/support/frame.js'
import { decodeFixMessage, parseFixMessage } from './parse.js'
import { SessionRejectReason as R } from './rejectReasons.js'
import { FixValidator } from './validate.js'

const H = '34=2|49=TW44|52=20240101-00:00:00|56=ISLD|'
const validator = new FixValidator()
const check = (body: string) => validator.validate(parseFixMessage(frame(body)))

describe('FixValidator (QuickFIX rules and order of checks)', () => {
  it('accepts valid messages', () => {
    expect(check(NOS)).toBeUndefined()
    expect(
      check(`35=V|${H}262=R1|263=1|264=0|267=2|269=0|269=1|146=1|55=BTC-USDC|`),
    ).toBeUndefined()
    expect(check(`35=d|${H}320=A|322=B|323=6|454=0|`)).toBeUndefined()
  })

  it.each([
    [`35=0|${H}999=HI|`, R.invalidTagNumber, 999],
    [`35=0|${H}5000=HI|`, R.invalidTagNumber, 5000],
    [`35=0|34=2|49=TW44|52=20240101-00:00:00|`, R.requiredTagMissing, 56],
    [`35=D|${H}40=1|54=1|60=20240101-00:00:00|`, R.requiredTagMissing, 11],
    [`35=0|${H}55=MSFT|`, R.tagNotDefinedForMessageType, 55],
    [`35=0|34=2|49=TW44|52=20240101-00:00:00|56=|`, R.tagSpecifiedWithoutValue, 56],
    [`35=D|${H}11=A|21=4|40=1|54=1|60=20240101-00:00:00|`, R.valueIsIncorrect, 21],
    [`35=D|${H}11=A|38=+1|40=1|54=1|60=20240101-00:00:00|`, R.incorrectDataFormat, 38],
    [`35=D|${H}11=A|40=1|54=1|60=20240101|`, R.incorrectDataFormat, 60],
    [`35=D|${H}11=A|40=1|40=2|54=1|60=20240101-00:00:00|`, R.tagAppearsMoreThanOnce, 40],
    [`35=D|11=A|40=1|54=1|60=20240101-00:00:00|${H}`, R.tagSpecifiedOutOfRequiredOrder, 34],
    [
      `35=D|${H}11=A|40=1|54=1|386=3|336=X|336=Y|60=20240101-00:00:00|`,
      R.incorrectNumInGroupCount,
      386,
    ],
    [
      `35=D|${H}11=A|40=1|54=1|386=1|625=X|336=Y|60=20240101-00:00:00|`,
      R.repeatingGroupFieldsOutOfOrder,
      625,
    ],
    [
      `35=D|${H}11=A|40=1|54=1|386=999999999|336=X|60=20240101-00:00:00|`,
      R.incorrectNumInGroupCount,
      386,
    ],
    [`35=*|${H}`, R.invalidMsgType, undefined],
  ])('%s → reason %i tag %s', (body, reason, tag) => {
    expect(check(body)).toEqual({ reason, tag })
  })

  it('checks fields in ascending tag order, after the required ones', () => {
    // 21 (bad enum) and 38 (bad format): the lower tag is reported first.
    expect(check(`35=D|${H}11=A|38=x|21=9|40=1|54=1|60=20240101-00:00:00|`)).toEqual({
      reason: R.valueIsIncorrect,
      tag: 21,
    })
  })

  it('can skip the checks QuickFIX lets you turn off', () => {
    const lenient = new FixValidator({
      checkFieldsHaveValues: false,
      checkFieldsOutOfOrder: false,
      checkUserDefinedFields: false,
    })
    expect(lenient.validate(parseFixMessage(frame(`35=0|${H}5001=X|`)))).toBeUndefined()
    expect(
      lenient.validate(
        parseFixMessage(frame(`35=0|34=2|49=TW44|52=20240101-00:00:00|56=ISLD|112=|`)),
      ),
    ).toBeUndefined()
  })
})

describe('decodeFixMessage', () => {
  it('decodes header, body with nested groups and trailer by field name', () => {
    const bytes = frame(
      `35=D|${H}11=A|453=2|448=P1|447=D|452=1|802=1|523=S|803=4|448=P2|40=2|44=10|54=1|60=20240101-00:00:00|`,
    )
    const decoded = decodeFixMessage(bytes)
    expect(decoded.name).toBe('NewOrderSingle')
    expect(decoded.header.SenderCompID).toBe('TW44')
    expect(decoded.body.ClOrdID).toBe('A')
    expect(decoded.body.NoPartyIDs).toEqual([
      {
        PartyID: 'P1',
        PartyIDSource: 'D',
        PartyRole: '1',
        NoPartySubIDs: [{ PartySubID: 'S', PartySubIDType: '4' }],
      },
      { PartyID: 'P2' },
    ])
    expect(decoded.body.Price).toBe('10')
    expect(Object.keys(decoded.trailer)).toEqual(['CheckSum'])
  })

  it('throws InvalidFixMessageError with the session reject reason', () => {
    expect(() => decodeFixMessage(frame(`35=0|${H}999=HI|`))).toThrowError(
      expect.objectContaining({
        code: 'FIX_INVALID_MESSAGE',
        sessionRejectReason: 0,
        refTagId: 999,
        path: [999],
      }),
    )
    expect(decodeFixMessage(frame(`35=0|${H}999=HI|`), { skipValidation: true }).body).toEqual({
      '999': 'HI',
    })
  })
})
