// @strongroom/custody — the only barrel. Every export is named here; index.test.ts snapshots the list.

// --- Cold storage: AEAD + Shamir shares, ceremonies in the audit log -------------------------
export {
  type ColdCeremony,
  type ColdCeremonyPurpose,
  type OpenColdCeremonyParameters,
  openColdCeremony,
} from './coldStorage/ceremony.js'
export {
  type ColdShare,
  type ColdVault,
  coldShareChecksum,
  formatColdShare,
  parseColdShare,
  recoverColdSecret,
  sealColdSecret,
} from './coldStorage/coldSecret.js'
export {
  ColdCeremonyRefusedError,
  ColdCommitmentMismatchError,
  ColdShareCorruptedError,
  ColdShareDuplicateError,
  ColdShareForeignError,
  ColdShareMalformedError,
  type ColdShareRule,
  ColdStorageError,
  ColdStorageErrorCode,
  ColdTooFewSharesError,
} from './coldStorage/coldStorageErrors.js'
export type { RandomBytes } from './frost/bytes.js'
// --- FROST threshold signing (RFC 9591; Ed25519, secp256k1, BIP-340/Taproot) -------------------
export {
  type FrostCiphersuite,
  type FrostCiphersuiteId,
  frostEd25519,
  frostSecp256k1,
  frostSecp256k1Taproot,
  type GroupElement,
  getFrostCiphersuite,
} from './frost/ciphersuites.js'
export { type FrostDealerResult, frostTrustedDealerKeygen } from './frost/dealer.js'
export {
  type DkgRound1Package,
  type DkgRound1Secret,
  type DkgRound2Package,
  frostDkgFinish,
  frostDkgRound1,
  frostDkgRound2,
  verifyDkgRound1Package,
} from './frost/dkg.js'
export {
  FrostError,
  FrostErrorCode,
  FrostGroupMismatchError,
  FrostInputError,
  type FrostInputRule,
  FrostInvalidProofError,
  FrostInvalidSecretShareError,
  FrostInvalidSignatureError,
  FrostInvalidSignatureShareError,
  FrostNonceReusedError,
  FrostParametersError,
} from './frost/frostErrors.js'
export {
  assertShareMatchesPackage,
  computeGroupId,
  type FrostKeyShare,
  type FrostPublicKeyPackage,
  parseKeyShare,
  parsePublicKeyPackage,
  type SerializedFrostKeyShare,
  type SerializedFrostPublicKeyPackage,
  serializeKeyShare,
  serializePublicKeyPackage,
} from './frost/keys.js'
export {
  frostRefreshFinish,
  frostRefreshRound1,
  frostRefreshRound2,
  type RefreshRound1Package,
  type RefreshRound1Secret,
  type RefreshRound2Package,
} from './frost/refresh.js'
export {
  frostRepairStep1,
  frostRepairStep2,
  frostRepairStep3,
  type RepairDelta,
  type RepairSigma,
} from './frost/repair.js'
export {
  findInvalidSignatureShares,
  frostAggregate,
  frostCommit,
  frostSign,
  frostVerify,
  frostVerifyingKey,
  type SignatureShare,
  type SigningCommitments,
  type SigningNonces,
  type SigningPackage,
} from './frost/signing.js'
export { type TaprootTweak, taprootOutputKey } from './frost/taproot.js'

// --- Tiers and rebalancing -----------------------------------------------------------------
export {
  type ForecastWithdrawalDemandParameters,
  forecastWithdrawalDemand,
  type WithdrawalForecast,
} from './tiers/forecast.js'
export {
  planRebalance,
  type RebalanceMode,
  type RebalancePlan,
  type RebalanceProposal,
} from './tiers/planner.js'
export {
  type BandStats,
  type RebalancingSimulationReport,
  type SimulateRebalancingParameters,
  simulateRebalancing,
} from './tiers/simulation.js'
export {
  type GenerateSyntheticFlowsParameters,
  generateSyntheticFlows,
  type SyntheticDay,
} from './tiers/syntheticFlows.js'
export { TierErrorCode, TierPolicyError, type TierPolicyRule } from './tiers/tierErrors.js'
export {
  assertTierBalances,
  assertTierPolicy,
  defaultTierPolicy,
  shareBps,
  type Tier,
  type TierBalances,
  type TierBand,
  type TierPolicy,
  totalOf,
} from './tiers/tiers.js'

export { version } from './version.js'
