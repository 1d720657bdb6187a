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
export { type AuthorizationNonceStore, createMemoryNonceStore } from './authorization/nonceStore.js'
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
export {
  type CreateKillSwitchParameters,
  createKillSwitch,
  KILL_SWITCH_LIFT_DOMAIN,
  type KillSwitch,
  type KillSwitchEngagement,
  type KillSwitchLiftRejection,
  type KillSwitchScope,
} from './killSwitch/killSwitch.js'
export {
  type CreateOrchestratorParameters,
  createOrchestrator,
  type Orchestrator,
  type OrchestratorRejection,
  type RequestStatus,
  type SignedPayload,
  type TrackedRequest,
} from './orchestrator/createOrchestrator.js'
export type {
  BindPayloadParameters,
  BoundPayload,
  ChainIdReporter,
  PayloadBinder,
  SigningPurpose,
} from './orchestrator/payloadBinder.js'
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
export { version } from './version.js'
export {
  type AddressFormat,
  chainNamespace,
  type WalletAsset,
  type WalletDefinition,
  type WalletTier,
} from './wallets/wallet.js'
