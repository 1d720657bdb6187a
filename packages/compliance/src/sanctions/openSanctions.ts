import { ComplianceInputError } from '../errors.js'
import type { SanctionedAddress, SanctionedParty, SanctionsList } from './listEntry.js'

type FtmEntity = {
  id: string
  schema: string
  properties: Record<string, unknown>
  datasets?: unknown
}

const PARTY_SCHEMAS = new Set([
  'Person',
  'Organization',
  'Company',
  'LegalEntity',
  'Vessel',
  'Airplane',
])

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

/**
 * Loads OpenSanctions-style FollowTheMoney entities (JSON lines, or a JSON array): every
 * `CryptoWallet` contributes its `publicKey` under its `currency`; holders (`holder` ids, or
 * nested holder entities) give the name. `Person`/`Organization`/`Company`/`LegalEntity`
 * entities become parties for name screening.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_LIST_PARSE_FAILED` naming the line and field of a
 * line that is not JSON or not an entity, or a wallet without `publicKey`.
 */
export function parseOpenSanctionsEntities(
  text: string,
  options: { source?: string } = {},
): SanctionsList {
  const entities: { line: number; entity: FtmEntity }[] = []
  const fail = (line: number, field: string, message: string, rule: string) =>
    new ComplianceInputError(message, {
      code: 'COMPLIANCE_LIST_PARSE_FAILED',
      path: ['entities', line, ...(field ? [field] : [])],
      rule,
    })
  const accept = (value: unknown, line: number) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw fail(line, '', 'is not an entity object.', 'format')
    }
    const v = value as Record<string, unknown>
    if (typeof v.id !== 'string' || v.id === '') throw fail(line, 'id', 'is missing.', 'required')
    if (typeof v.schema !== 'string') throw fail(line, 'schema', 'is missing.', 'required')
    if (typeof v.properties !== 'object' || v.properties === null || Array.isArray(v.properties)) {
      throw fail(line, 'properties', 'must be an object.', 'format')
    }
    entities.push({ line, entity: v as FtmEntity })
    // Nested entities (targets.nested.json) carry holders inline.
    for (const values of Object.values(v.properties as Record<string, unknown>)) {
      if (Array.isArray(values)) {
        for (const nested of values) {
          if (typeof nested === 'object' && nested !== null && 'schema' in nested)
            accept(nested, line)
        }
      }
    }
  }
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch (error) {
      throw new ComplianceInputError('is not valid JSON.', {
        code: 'COMPLIANCE_LIST_PARSE_FAILED',
        path: ['entities'],
        rule: 'json',
        cause: error,
      })
    }
    for (const [i, value] of (parsed as unknown[]).entries()) accept(value, i + 1)
  } else {
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim()
      if (line === '') continue
      let parsed: unknown
      try {
        parsed = JSON.parse(line)
      } catch (error) {
        throw new ComplianceInputError('is not valid JSON.', {
          code: 'COMPLIANCE_LIST_PARSE_FAILED',
          path: ['entities', i + 1],
          rule: 'json',
          cause: error,
        })
      }
      accept(parsed, i + 1)
    }
  }
  const byId = new Map(entities.map(({ entity }) => [entity.id, entity]))
  const addresses: SanctionedAddress[] = []
  const parties: SanctionedParty[] = []
  for (const { line, entity } of entities) {
    const props = entity.properties
    const datasets = strings(entity.datasets)
    if (entity.schema === 'CryptoWallet') {
      const keys = strings(props.publicKey)
      if (keys.length === 0) throw fail(line, 'properties.publicKey', 'is missing.', 'required')
      const currencies = strings(props.currency).map((c) => c.toUpperCase())
      const holders = [...strings(props.holder)]
      for (const h of Array.isArray(props.holder) ? props.holder : []) {
        if (typeof h === 'object' && h !== null && typeof (h as FtmEntity).id === 'string') {
          holders.push((h as FtmEntity).id)
        }
      }
      const holder = holders.map((id) => byId.get(id)).find(Boolean)
      const name = holder ? strings(holder.properties.name)[0] : undefined
      for (const address of keys) {
        for (const currency of currencies.length ? currencies : ['UNKNOWN']) {
          addresses.push({
            address,
            currency,
            entityId: holder?.id ?? entity.id,
            name,
            programs: datasets,
          })
        }
      }
    } else if (PARTY_SCHEMAS.has(entity.schema)) {
      const names = strings(entity.properties.name)
      if (names.length === 0) continue
      parties.push({
        entityId: entity.id,
        type: entity.schema === 'Person' ? 'individual' : entity.schema.toLowerCase(),
        name: names[0]!,
        aliases: [...names.slice(1), ...strings(props.alias), ...strings(props.previousName)],
        programs: datasets,
      })
    }
  }
  return { source: options.source ?? 'opensanctions', addresses, parties }
}
