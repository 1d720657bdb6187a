/** FIX 4.4 SessionRejectReason (373) codes used by the validator and the session. */
export const SessionRejectReason = {
  invalidTagNumber: 0,
  requiredTagMissing: 1,
  tagNotDefinedForMessageType: 2,
  undefinedTag: 3,
  tagSpecifiedWithoutValue: 4,
  valueIsIncorrect: 5,
  incorrectDataFormat: 6,
  decryptionProblem: 7,
  signatureProblem: 8,
  compIdProblem: 9,
  sendingTimeAccuracyProblem: 10,
  invalidMsgType: 11,
  xmlValidationError: 12,
  tagAppearsMoreThanOnce: 13,
  tagSpecifiedOutOfRequiredOrder: 14,
  repeatingGroupFieldsOutOfOrder: 15,
  incorrectNumInGroupCount: 16,
  nonDataValueIncludesFieldDelimiter: 17,
  other: 99,
} as const

/** One of the values of {@link SessionRejectReason}. */
export type SessionRejectReason = (typeof SessionRejectReason)[keyof typeof SessionRejectReason]

/** The Text (58) QuickFIX puts in a session Reject for each reason (counterparties match on it). */
export const sessionRejectText: Readonly<Record<number, string>> = {
  0: 'Invalid tag number',
  1: 'Required tag missing',
  2: 'Tag not defined for this message type',
  3: 'Undefined Tag',
  4: 'Tag specified without a value',
  5: 'Value is incorrect (out of range) for this tag',
  6: 'Incorrect data format for value',
  7: 'Decryption problem',
  8: 'Signature problem',
  9: 'CompID problem',
  10: 'SendingTime accuracy problem',
  11: 'Invalid MsgType',
  12: 'XML Validation error',
  13: 'Tag appears more than once',
  14: 'Tag specified out of required order',
  15: 'Repeating group fields out of order',
  16: 'Incorrect NumInGroup count for repeating group',
  17: 'Non Data value includes field delimiter',
  99: 'Other',
}

/** FIX 4.4 BusinessRejectReason (380) codes. */
export const BusinessRejectReason = {
  other: 0,
  unknownId: 1,
  unknownSecurity: 2,
  unsupportedMessageType: 3,
  applicationNotAvailable: 4,
  conditionallyRequiredFieldMissing: 5,
  notAuthorized: 6,
  deliverToFirmNotAvailable: 7,
} as const

/** One of the values of {@link BusinessRejectReason}. */
export type BusinessRejectReason = (typeof BusinessRejectReason)[keyof typeof BusinessRejectReason]

/** QuickFIX's Text (58) for each BusinessRejectReason. */
export const businessRejectText: Readonly<Record<number, string>> = {
  0: 'Other',
  1: 'Unknown ID',
  2: 'Unknown Security',
  3: 'Unsupported Message Type',
  4: 'Application not available',
  5: 'Conditionally required field missing',
  6: 'Not authorized',
  7: 'DeliverTo firm not available at this time',
}
