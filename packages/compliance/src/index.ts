// @strongroom/compliance — the only barrel. Every export is named here; index.test.ts snapshots the list.

export {
  type AlertScorer,
  type AlertScoringInput,
  type ComplianceEngine,
  type CreateComplianceEngineParameters,
  createComplianceEngine,
  type EvaluationContext,
  findRule,
  type SelfHostedWalletRegistry,
} from './engine/complianceEngine.js'
export {
  parseRuleSet,
  type Rule,
  type RuleOf,
  type RuleSet,
  type RuleSetInput,
  ruleSchema,
  ruleSetSchema,
} from './engine/ruleSet.js'
export { assertComplianceEvent } from './engine/validateEvent.js'
export {
  createStaticValuator,
  fiatToMinor,
  type StaticValuatorParameters,
  type Valuator,
} from './engine/valuation.js'
export {
  ComplianceError,
  ComplianceErrorCode,
  type ComplianceErrorOptions,
  ComplianceInputError,
} from './errors.js'
export {
  applyKycCheck,
  createKycRegistry,
  createTestKycProvider,
  type KycApplicant,
  type KycCheck,
  type KycLevel,
  type KycProvider,
  type KycRecord,
  type KycRegistry,
  type KycStatus,
  kycLevelSchema,
  parseKycLevels,
  type TestKycProvider,
} from './kyc/kyc.js'
export {
  type ActivityEntry,
  type ActivityStore,
  createActivityStore,
  type HopEntry,
} from './monitoring/activity.js'
export {
  detectDormantReactivation,
  detectLayering,
  detectRapidMovement,
  detectStructuring,
  detectVelocity,
  type TypologyHit,
} from './monitoring/typologies.js'
export {
  type CaseExport,
  createReviewQueue,
  formatCaseReport,
  type ResolveCaseParameters,
  type ReviewCase,
  type ReviewQueue,
} from './review/reviewQueue.js'
export {
  type AddressFamily,
  addressKey,
  type ChainSpec,
  DEFAULT_CHAINS,
  defineChains,
  detectAddressFamily,
  type NormalizeAddressParameters,
  type NormalizedAddress,
  normalizeAddress,
} from './sanctions/address.js'
export {
  type AddressRiskCategory,
  type AddressRiskProvider,
  type AddressRiskReport,
  createTestAddressRiskProvider,
} from './sanctions/addressRisk.js'
export {
  type AddressMatch,
  type AddressScreen,
  createAddressScreen,
} from './sanctions/addressScreen.js'
export { jaroWinkler } from './sanctions/jaroWinkler.js'
export type { SanctionedAddress, SanctionedParty, SanctionsList } from './sanctions/listEntry.js'
export {
  createNameScreen,
  type NameMatch,
  type NameMatchExplanation,
  type NameScreen,
  type NameScreenOptions,
  type ScreenNameParameters,
  type TokenMatch,
} from './sanctions/nameScreen.js'
export {
  type OfacCsvList,
  type ParseOfacSdnCsvParameters,
  parseDigitalCurrencyRemarks,
  parseOfacSdnCsv,
} from './sanctions/ofacCsv.js'
export { parseOfacAdvancedXml, parseOfacSdnXml } from './sanctions/ofacXml.js'
export { parseOpenSanctionsEntities } from './sanctions/openSanctions.js'
export { nameSkeleton, type ScriptInfo, transliterate } from './sanctions/transliterate.js'
export { parseUnConsolidatedXml } from './sanctions/unList.js'
export {
  type GbdtModel,
  type GbdtObjective,
  type ParseLightgbmModelOptions,
  type ParseXgboostModelOptions,
  parseLibsvmRow,
  parseLightgbmModel,
  parseXgboostModel,
} from './scoring/gbdt.js'
export { createGbdtAlertScorer, defaultAlertFeatures } from './scoring/gbdtScorer.js'
export { COUNTRY_CODES } from './travelRule/countries.js'
export {
  type Ivms101Address,
  type Ivms101LegalPerson,
  type Ivms101NaturalPerson,
  type Ivms101Payload,
  type Ivms101Person,
  type Ivms101Requirements,
  isValidLei,
  ivms101AddressSchema,
  ivms101LegalPersonSchema,
  ivms101NaturalPersonSchema,
  ivms101PersonNames,
  ivms101PersonSchema,
  ivms101Schema,
  parseIvms101,
  type ValidateIvms101Options,
  validateIvms101,
} from './travelRule/ivms101.js'
export {
  decodeIvms101,
  encodeIvms101,
  ivms101FromProtoJson,
  ivms101ToProtoJson,
} from './travelRule/ivms101Proto.js'
export {
  decodeProto,
  encodeProto,
  type ProtoField,
  type ProtoFieldType,
  type ProtoJson,
  type ProtoJsonValue,
  type ProtoMessage,
  type ProtoSchema,
} from './travelRule/protobuf.js'
export {
  DEFAULT_TRAVEL_RULE_THRESHOLDS,
  findTravelRuleThreshold,
  parseTravelRuleThresholds,
  type TravelRuleThreshold,
  travelRuleThresholdSchema,
} from './travelRule/thresholds.js'
export {
  type CreateTravelRuleExchangeParameters,
  createMemoryEvidenceStore,
  createMockTrisaPeer,
  createTravelRuleExchange,
  type EvidenceStore,
  type MockPeerDecision,
  type TravelRuleEvidence,
  type TravelRuleExchange,
  type TravelRuleExchangeResult,
  type TrisaTransport,
} from './travelRule/travelRuleExchange.js'
export {
  createErrorEnvelope,
  decodeEnvelopeProto,
  ENCRYPTION_ALGORITHM,
  encodeEnvelopeProto,
  HMAC_ALGORITHM,
  type OpenEnvelopeParameters,
  type OpenedEnvelope,
  openEnvelope,
  publicKeySignature,
  type SealEnvelopeParameters,
  type SecureEnvelope,
  sealEnvelope,
  type TrisaError,
  type TrisaPayload,
} from './travelRule/trisaEnvelope.js'
export { trisaSchema } from './travelRule/trisaSchema.js'
export {
  detectTrpMessageKind,
  parseTrpMessage,
  type TrpMessage,
  type TrpMessageKind,
  trpSchemas,
} from './travelRule/trp.js'
export {
  createMemoryVaspDirectory,
  type VaspDirectory,
  type VaspRecord,
} from './travelRule/vaspDirectory.js'
export { version } from './version.js'
