import type { IssuePath } from '@strongroom/core'
import { getAddress } from 'viem'
import { CustodyInputError } from '../custodyErrors.js'
import type { AddressFormat } from '../wallets/wallet.js'

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/

/**
 * Parses an EVM address into its EIP-55 checksummed form. All-lower-case (or all-upper-case)
 * hex is accepted as unchecksummed; mixed case must carry a valid EIP-55 checksum.
 *
 * @throws {CustodyInputError} `CUSTODY_INVALID_ADDRESS` with rule `format` or `checksum`.
 */
export function parseEvmAddress(address: string, path: IssuePath = []): `0x${string}` {
  if (typeof address !== 'string' || !HEX_ADDRESS.test(address)) {
    throw new CustodyInputError('is not an EVM address (0x followed by 40 hex digits).', {
      code: 'CUSTODY_INVALID_ADDRESS',
      path,
      rule: 'format',
    })
  }
  const checksummed = getAddress(address)
  const body = address.slice(2)
  const uniformCase = body === body.toLowerCase() || body === body.toUpperCase()
  if (!uniformCase && checksummed !== address) {
    throw new CustodyInputError('fails its EIP-55 checksum.', {
      code: 'CUSTODY_INVALID_ADDRESS',
      path,
      rule: 'checksum',
      metaMessages: [`Expected: ${checksummed}`],
    })
  }
  return checksummed
}

/** The {@link AddressFormat} of EVM chains (`eip155`). */
export const evmAddressFormat: AddressFormat = Object.freeze({
  namespace: 'eip155',
  parse: (address: string, path: IssuePath) => parseEvmAddress(address, path),
})
