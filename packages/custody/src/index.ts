// @strongroom/custody — the only barrel. Every export is named here; index.test.ts snapshots the list.

export {
  APPROVAL_DOMAIN,
  type ApprovalStatement,
  approvalMessage,
  type CreateApprovalParameters,
  createApproval,
  isApprovalSignatureValid,
} from './authorization/approval.js'
export {
  type ApprovalProblem,
  type ApprovalProblemReason,
  type ApprovalQuorumCheck,
  type Approver,
  type ApproverGroup,
  type CheckApprovalQuorumParameters,
  checkApprovalQuorum,
  type QuorumRequirement,
} from './authorization/approvalQuorum.js'
export {
  AUTHORIZATION_DOMAIN,
  type AuthorizationSigningKey,
  authorizationDigest,
  type CreateSoftwareAuthorizationKeyParameters,
  type CustodyAuthorization,
  createSoftwareAuthorizationKey,
  custodyAuthorizationSchema,
  signAuthorization,
  type UnsignedAuthorization,
} from './authorization/authorization.js'
export {
  type AuthorizationNonceLogOptions,
  type AuthorizationNonceStore,
  createMemoryNonceStore,
  openAuthorizationNonceLog,
} from './authorization/nonceStore.js'
export {
  REQUEST_DIGEST_DOMAIN,
  requestDigest,
  type SigningRequest,
} from './authorization/signingRequest.js'
export {
  type AuthorizationTrust,
  type AuthorizationVerifier,
  createAuthorizationVerifier,
  type PolicyRuleLookup,
  type TrustedRule,
  type VerifyAuthorizationErrorType,
  type VerifyAuthorizationParameters,
  type VerifyAuthorizationReturnType,
  verifyAuthorization,
} from './authorization/verifyAuthorization.js'
// --- Bitcoin --------------------------------------------------------------------------------
export {
  BitcoinErrorCode,
  type BitcoinInputCode,
  BitcoinInputError,
  type BitcoinRule,
  BitcoinSignatureError,
} from './bitcoin/bitcoinErrors.js'
export {
  type CoinSelection,
  type CoinSelectionRejection,
  dustThreshold,
  inputWeight,
  type OutputKind,
  outputWeight,
  type SelectCoinsParameters,
  selectCoins,
  type Utxo,
} from './bitcoin/coinSelection.js'
export { initBitcoinEcc, nobleBitcoinEcc } from './bitcoin/ecc.js'
export {
  BITCOIN_NAMESPACE,
  type BitcoinSigningTransaction,
  bitcoinAddressFormat,
  type CreateBitcoinPayloadBinderParameters,
  createBitcoinPayloadBinder,
} from './bitcoin/payloadBinder.js'
export {
  addBitcoinSignature,
  type BitcoinPayment,
  type BitcoinPsbtSummary,
  bitcoinOutputScript,
  bitcoinSighash,
  buildBitcoinPsbt,
  finalizeBitcoinPsbt,
  outputKindOf,
  parseBitcoinPsbt,
  unsignedTransaction,
  validateBitcoinPsbt,
  verifyBitcoinPsbtSignatures,
} from './bitcoin/psbt.js'
export { type SignBitcoinPsbtResult, signBitcoinPsbtWithOrchestrator } from './bitcoin/signPsbt.js'
export {
  type BitcoinWallet,
  type BitcoinWalletConfig,
  type BitcoinWalletKind,
  bitcoinNetworks,
  createBitcoinWallet,
} from './bitcoin/wallet.js'
// --- Issue 6: FROST, cold storage, tiers, Bitcoin, signer nodes ------------------------------
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
export { type Ed25519KeyPair, importEd25519PrivateKey, verifyEd25519 } from './crypto/ed25519.js'
export {
  AuthorizationError,
  CustodyError,
  CustodyErrorCode,
  type CustodyErrorOptions,
  CustodyInputError,
  type CustodyInputErrorOptions,
  SigningRefusedError,
} from './custodyErrors.js'
export {
  type BroadcastResult,
  type BroadcastRouter,
  type CreateBroadcastRouterParameters,
  createBroadcastRouter,
  createPrivateRelayClient,
  type PrivateRelayClient,
} from './evm/broadcastRouter.js'
export {
  type ConfirmationStatus,
  type ConfirmationTracker,
  createConfirmationTracker,
} from './evm/confirmationTracker.js'
export { evmAddressFormat, parseEvmAddress } from './evm/evmAddress.js'
export {
  type CreateEvmPayloadBinderParameters,
  createEvmPayloadBinder,
  evmAddressOfPublicKey,
  evmChainId,
} from './evm/evmPayloadBinder.js'
export {
  type CreateEvmWithdrawalsParameters,
  createEvmWithdrawals,
  type EvmWithdrawals,
  type SentTransaction,
} from './evm/evmWithdrawals.js'
export {
  type CreateNonceManagerParameters,
  createNonceManager,
  type NonceManager,
} from './evm/nonceManager.js'
export {
  createFileNonceStore,
  createMemoryNonceStateStore,
  type NonceEntry,
  type NonceState,
  type NonceStore,
} from './evm/nonceStore.js'
export {
  type CreateOrchestratorAccountParameters,
  createOrchestratorAccount,
} from './evm/orchestratorAccount.js'
export {
  type CreateRpcPoolParameters,
  createRpcPool,
  type RpcEndpoint,
  type RpcErrorReply,
  type RpcPool,
  type RpcPoolStats,
  RpcReplyError,
} from './evm/rpcPool.js'
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
export { type AuthorizationCheck, createLocalFrostSigner } from './frost/localFrostSigner.js'
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
  frostAggregatePrepare,
  frostCommit,
  frostSign,
  frostVerify,
  frostVerifyingKey,
  type PreparedAggregate,
  type SignatureShare,
  type SigningCommitments,
  type SigningNonces,
  type SigningPackage,
} from './frost/signing.js'
export { type TaprootTweak, taprootOutputKey } from './frost/taproot.js'
export {
  type CreateKillSwitchParameters,
  createKillSwitch,
  KILL_SWITCH_LIFT_DOMAIN,
  type KillSwitch,
  type KillSwitchEngagement,
  type KillSwitchLiftRejection,
  type KillSwitchScope,
} from './killSwitch/killSwitch.js'
export { createOrchestrator } from './orchestrator/createOrchestrator.js'
export type {
  CreateOrchestratorParameters,
  Orchestrator,
  OrchestratorRejection,
  RequestStatus,
  SignedPayload,
  TrackedRequest,
} from './orchestrator/orchestratorTypes.js'
export type {
  BindPayloadParameters,
  BoundPayload,
  ChainIdReporter,
  PayloadBinder,
  SigningPurpose,
} from './orchestrator/payloadBinder.js'
export {
  type OpenPostgresRequestStoreParameters,
  openPostgresRequestStore,
  type SqlQueryable,
} from './orchestrator/postgresRequestStore.js'
export {
  type OrchestratorRequestLogOptions,
  openOrchestratorRequestLog,
} from './orchestrator/requestLog.js'
export {
  createMemoryRequestStore,
  encodeStoredRequest,
  type OrchestratorRequestStore,
  type PendingSignature,
  parseStoredRequest,
  type RecordedSignature,
  type StoredRequest,
} from './orchestrator/requestStore.js'
export { createSignerRoute, type SignerRoute } from './orchestrator/signerRoutes.js'
export {
  type ParseWithdrawalIntentParameters,
  parseWithdrawalIntent,
  type WithdrawalIntent,
  withdrawalIntentSchema,
} from './orchestrator/withdrawalIntent.js'
export { normalizeEcdsaSignature } from './pkcs11/ecdsaSignature.js'
export {
  type CreatePkcs11SignerParameters,
  createPkcs11Signer,
  type Pkcs11Signer,
} from './pkcs11/pkcs11Signer.js'
export {
  type OpenPkcs11TokenParameters,
  openPkcs11Token,
  type Pkcs11Handle,
  type Pkcs11KeyInfo,
  type Pkcs11KeyProtection,
  type Pkcs11Token,
} from './pkcs11/pkcs11Token.js'
export { createSessionPool, type SessionPool } from './pkcs11/sessionPool.js'
export {
  addressKey,
  type CompiledPolicy,
  type CompiledRule,
  type CompilePolicyParameters,
  compilePolicy,
  policyRuleLookup,
} from './policy/compilePolicy.js'
export {
  DEFAULT_DENY_REASON,
  evaluatePolicy,
  type PolicyContext,
  type PolicyDecision,
  type ScreeningOutcome,
} from './policy/evaluatePolicy.js'
export {
  type BroadcastRoute,
  broadcastRouteSchema,
  type PolicyAction,
  type PolicyCondition,
  type PolicyDocument,
  type PolicyDocumentInput,
  type PolicyRule,
  policyActionSchema,
  policyConditionSchema,
  policyDocumentSchema,
  policyRuleSchema,
} from './policy/policySchema.js'
export {
  type CreatePolicyStoreParameters,
  createPolicyStore,
  POLICY_CHANGE_DOMAIN,
  type PolicyApprovalRejection,
  type PolicyProposal,
  type PolicyStore,
} from './policy/policyStore.js'
export {
  type CreateVelocityTrackerParameters,
  createVelocityTracker,
  type VelocityEvent,
  type VelocityScope,
  type VelocityTotals,
  type VelocityTracker,
} from './policy/velocityTracker.js'
// --- FROST signer nodes and coordinator ----------------------------------------------------------
export {
  type CoordinatedGroup,
  type CoordinatedNode,
  type CoordinatedSignature,
  type CreateFrostCoordinatorParameters,
  createFrostCoordinator,
  createFrostCoordinatorSigner,
  type FrostCoordinator,
} from './signerNode/coordinator.js'
export {
  type EnvelopeExpectation,
  NODE_MESSAGE_DOMAIN,
  type NodeEnvelope,
  signEnvelope,
  verifyEnvelope,
} from './signerNode/envelope.js'
export {
  MAX_ROUNDS_PER_SESSION,
  type NonceLog,
  openNonceLog,
  type StoredNonce,
} from './signerNode/nonceLog.js'
export { deriveSealingKey, type SealingKey } from './signerNode/sealedStore.js'
export {
  type CreateSignerNodeParameters,
  createSignerNode,
  destroySignerNodeState,
  type SignerNode,
} from './signerNode/signerNode.js'
export {
  SignerNodeError,
  SignerNodeErrorCode,
  SignerNodeProtocolError,
  type SignerNodeProtocolRule,
} from './signerNode/signerNodeErrors.js'
export {
  runSignerNodeProcess,
  type SignerNodeConfig,
  signerNodeConfigSchema,
} from './signerNode/signerNodeProcess.js'
export {
  directNodeTransport,
  httpNodeTransport,
  type NodeTransport,
  serveSignerNode,
} from './signerNode/transport.js'
export type { WireCommitment } from './signerNode/wire.js'
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
export {
  type AddressFormat,
  chainNamespace,
  type WalletAsset,
  type WalletDefinition,
  type WalletTier,
} from './wallets/wallet.js'
