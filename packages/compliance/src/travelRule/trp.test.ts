import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compliance } from '../../test/shared.js'
import { detectTrpMessageKind, parseTrpMessage, type TrpMessageKind } from './trp.js'

const read = (name: string) =>
  JSON.parse(readFileSync(join(compliance.path, 'trisa/openvasp_trp', name), 'utf8'))

describe.skipIf(!compliance.available)('TRP message bodies (OpenVASP fixtures)', () => {
  it('parses every client fixture as its kind', () => {
    const cases: [string, TrpMessageKind][] = [
      ['client_inquiry.json', 'inquiry'],
      ['inquiry.json', 'inquiry'],
      ['client_approved.json', 'approved'],
      ['client_rejected.json', 'rejected'],
      ['client_confirmation.json', 'confirmation'],
      ['client_canceled.json', 'canceled'],
      ['client_version.json', 'version'],
      ['client_identity.json', 'identity'],
      ['client_extensions.json', 'extensions'],
    ]
    for (const [file, kind] of cases) {
      const body = read(file)
      expect(detectTrpMessageKind(body), file).toBe(kind)
      expect(parseTrpMessage(kind, body)).toEqual(body)
    }
    expect(parseTrpMessage('inquiry', read('inquiry.json')).asset).toEqual({ slip0044: 'BTC' })
    expect(parseTrpMessage('acknowledged', read('client_acknowledged.json')).version).toBe('3.2.1')
  })
})

describe('TRP validation', () => {
  it('names the field of a malformed body', () => {
    const inquiry = { asset: { dti: '4H95J0R2X' }, amount: -1, callback: 'not a url', IVMS101: {} }
    expect(() => parseTrpMessage('inquiry', inquiry)).toThrow(
      expect.objectContaining({ code: 'COMPLIANCE_INVALID_TRP_MESSAGE', path: ['amount'] }),
    )
    expect(() => parseTrpMessage('approved', { approved: { address: 'x' } })).toThrow(
      expect.objectContaining({ path: ['approved', 'callback'] }),
    )
    expect(() => parseTrpMessage('version', { version: '1.2' })).toThrow(
      expect.objectContaining({ path: ['version'] }),
    )
    expect(() => parseTrpMessage('rejected', { rejected: 'x', extra: true })).toThrow(
      expect.objectContaining({ rule: 'unrecognized_keys' }),
    )
    expect(detectTrpMessageKind('x')).toBeUndefined()
  })
})
