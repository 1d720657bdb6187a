// Internal: the raw signing function of each opened token. Not exported from the package, so
// only signer backends in this package (which check an authorization first) can reach it.

/** Signs raw bytes with a key of the token (secp256k1: 32-byte digest → r||s; Ed25519: message). */
export type RawSign = (keyId: string, data: Uint8Array) => Promise<Uint8Array>

/** Token object → its raw signing function. */
export const rawSigners = new WeakMap<object, RawSign>()
