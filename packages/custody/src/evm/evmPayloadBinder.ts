import { secp256k1 } from '@noble/curves/secp256k1.js'
import {
  encodeFunctionData,
  erc20Abi,
  type Hex,
  hexToBytes,
  keccak256,
  serializeTransaction,
  type TransactionSerializable,
} from 'viem'
import { publicKeyToAddress } from 'viem/accounts'
import { toHex } from '../crypto/bytes.js'
import { CustodyError } from '../custodyErrors.js'
import type {
  BindPayloadParameters,
  BoundPayload,
  PayloadBinder,
} from '../orchestrator/payloadBinder.js'
import { parseEvmAddress } from './evmAddress.js'

/** Parameters of {@link createEvmPayloadBinder}. */
export type CreateEvmPayloadBinderParameters = {
  /** Highest `maxFeePerGas` / `gasPrice` (wei) a signed transaction may offer. Default 10,000 gwei. */
  maxFeePerGas?: bigint | undefined
  /** Highest gas limit. Default 500,000. */
  maxGas?: bigint | undefined
}

function mismatch(message: string, details?: string): CustodyError<'CUSTODY_PAYLOAD_MISMATCH'> {
  return new CustodyError(message, {
    code: 'CUSTODY_PAYLOAD_MISMATCH',
    ...(details === undefined ? {} : { details }),
  })
}

/** The Ethereum address of a 33-byte compressed (or 65-byte uncompressed) secp256k1 public key. */
export function evmAddressOfPublicKey(publicKey: Uint8Array): `0x${string}` {
  const point = secp256k1.Point.fromBytes(publicKey)
  const uncompressed = point.toBytes(false)
  return publicKeyToAddress(`0x${Buffer.from(uncompressed).toString('hex')}` as Hex)
}

/** The EVM chain id (number) of a CAIP-2 `eip155:<id>` chain. */
export function evmChainId(chain: string): number {
  const match = /^eip155:([1-9][0-9]{0,15})$/.exec(chain)
  if (!match)
    throw new CustodyError(`"${chain}" is not an EVM chain id.`, { code: 'CUSTODY_INVALID_CONFIG' })
  return Number(match[1])
}

const isBigint = (v: unknown): v is bigint => typeof v === 'bigint' && v >= 0n
const emptyData = (d: unknown) => d === undefined || d === '0x'

/**
 * The EVM {@link PayloadBinder}: accepts EIP-1559 and legacy EIP-155 transactions and checks that
 * a transfer pays exactly the request's amount to its destination (native value, or an ERC-20
 * `transfer(destination, amount)` call to the asset's contract with no value), that the chain id
 * is the wallet's, and that fees and gas stay under the caps. A speed-up must repeat the transfer
 * with the nonce of the first signed transaction; a cancel sends 0 to the wallet itself with that
 * nonce. The payload is `keccak256` of the unsigned serialized transaction.
 */
export function createEvmPayloadBinder(
  parameters: CreateEvmPayloadBinderParameters = {},
): PayloadBinder {
  const maxFee = parameters.maxFeePerGas ?? 10_000n * 10n ** 9n
  const maxGas = parameters.maxGas ?? 500_000n
  // The orchestrator asks for the address of the routed signer's key on every signature:
  // remember the addresses derived so far (a pure function of the key bytes; a few keys at most).
  const addresses = new Map<string, `0x${string}`>()
  return {
    namespace: 'eip155',
    addressOf(publicKey) {
      const key = toHex(publicKey)
      let address = addresses.get(key)
      if (address === undefined) {
        address = evmAddressOfPublicKey(publicKey)
        if (addresses.size >= 256) addresses.clear()
        addresses.set(key, address)
      }
      return address
    },
    bind({ request, wallet, transaction, purpose, previous }: BindPayloadParameters): BoundPayload {
      if (typeof transaction !== 'object' || transaction === null) {
        throw mismatch('The transaction is not an object.')
      }
      const tx = transaction as Record<string, unknown>
      const type = tx.type ?? 'eip1559'
      if (type !== 'eip1559' && type !== 'legacy') {
        throw mismatch('Only EIP-1559 and legacy (EIP-155) transactions are signed.', String(type))
      }
      const chainId = evmChainId(wallet.chain)
      if (tx.chainId !== chainId) {
        throw mismatch(
          "The transaction's chain id is not the wallet's.",
          `${String(tx.chainId)} ≠ ${chainId}`,
        )
      }
      if (!Number.isSafeInteger(tx.nonce) || (tx.nonce as number) < 0)
        throw mismatch('The nonce is missing or invalid.')
      if (!isBigint(tx.gas) || tx.gas > maxGas)
        throw mismatch('The gas limit is missing or above the cap.')
      const value = tx.value ?? 0n
      if (!isBigint(value)) throw mismatch('The value is invalid.')
      if (typeof tx.to !== 'string') throw mismatch('The transaction has no recipient.')
      const to = parseEvmAddress(tx.to, ['to'])
      const data = tx.data ?? '0x'
      if (typeof data !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(data))
        throw mismatch('The data is invalid.')
      let fee: bigint
      if (type === 'eip1559') {
        if (!isBigint(tx.maxFeePerGas) || !isBigint(tx.maxPriorityFeePerGas)) {
          throw mismatch('An EIP-1559 transaction needs maxFeePerGas and maxPriorityFeePerGas.')
        }
        if (tx.maxPriorityFeePerGas > tx.maxFeePerGas)
          throw mismatch('The priority fee exceeds the max fee.')
        fee = tx.maxFeePerGas
      } else {
        if (!isBigint(tx.gasPrice)) throw mismatch('A legacy transaction needs gasPrice.')
        fee = tx.gasPrice
      }
      if (fee > maxFee) throw mismatch('The fee per gas is above the cap.', `${fee} > ${maxFee}`)
      if (
        tx.accessList !== undefined &&
        !(Array.isArray(tx.accessList) && tx.accessList.length === 0)
      ) {
        throw mismatch('Access lists are not signed.')
      }

      const first = previous[0]
      if (purpose === 'transfer') {
        if (first !== undefined)
          throw mismatch('The request was already signed; use a speed-up or cancel.')
      } else {
        if (first === undefined) throw mismatch('Nothing was signed yet to replace.')
        if (String(tx.nonce) !== first.sequence) {
          throw mismatch(
            'A replacement must reuse the nonce of the first transaction.',
            `${String(tx.nonce)} ≠ ${first.sequence}`,
          )
        }
      }
      if (purpose === 'cancel') {
        if (to !== wallet.address || value !== 0n || !emptyData(data)) {
          throw mismatch('A cancel must send nothing to the wallet itself.')
        }
      } else {
        const asset = wallet.assets.find((a) => a.code === request.asset)
        if (asset === undefined) throw mismatch('The wallet does not hold the asset.')
        if (asset.contract === undefined) {
          if (to !== request.destination || value !== request.amount || !emptyData(data)) {
            throw mismatch(
              'The transaction does not pay the approved amount to the approved destination.',
            )
          }
        } else {
          const expected = encodeFunctionData({
            abi: erc20Abi,
            functionName: 'transfer',
            args: [request.destination as `0x${string}`, request.amount],
          })
          if (
            to !== parseEvmAddress(asset.contract) ||
            value !== 0n ||
            data.toLowerCase() !== expected.toLowerCase()
          ) {
            throw mismatch('The token transfer does not match the approved request.')
          }
        }
      }
      const unsigned: TransactionSerializable =
        type === 'eip1559'
          ? {
              type: 'eip1559',
              chainId,
              nonce: tx.nonce as number,
              to,
              value,
              data: data as Hex,
              gas: tx.gas,
              maxFeePerGas: tx.maxFeePerGas as bigint,
              maxPriorityFeePerGas: tx.maxPriorityFeePerGas as bigint,
            }
          : {
              type: 'legacy',
              chainId,
              nonce: tx.nonce as number,
              to,
              value,
              data: data as Hex,
              gas: tx.gas,
              gasPrice: tx.gasPrice as bigint,
            }
      const payload = hexToBytes(keccak256(serializeTransaction(unsigned)))
      return {
        payload,
        sequence: String(tx.nonce),
        transaction: unsigned,
        summary: {
          purpose,
          type,
          chainId,
          nonce: tx.nonce as number,
          to,
          value,
          data: data.length > 2 ? keccak256(data as Hex) : '0x',
          gas: tx.gas,
          fee,
        },
      }
    },
  }
}
