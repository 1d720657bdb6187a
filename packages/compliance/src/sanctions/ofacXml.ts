import { ComplianceInputError } from '../errors.js'
import { scanXml, XmlSyntaxError } from '../util/xml.js'
import type { SanctionedAddress, SanctionedParty, SanctionsList } from './listEntry.js'

const DIGITAL_CURRENCY_TYPE = /^Digital Currency Address\s*-\s*([A-Za-z0-9]+)$/

function parseXml(xml: string, file: string, handler: Parameters<typeof scanXml>[1]): void {
  try {
    scanXml(xml, handler)
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      throw new ComplianceInputError(error.message, {
        code: 'COMPLIANCE_LIST_PARSE_FAILED',
        path: [file, ...error.path],
        rule: 'xml_syntax',
        cause: error,
      })
    }
    throw error
  }
}

function missing(file: string, what: string): ComplianceInputError {
  return new ComplianceInputError(`is not ${what}.`, {
    code: 'COMPLIANCE_LIST_PARSE_FAILED',
    path: [file],
    rule: 'format',
  })
}

/**
 * Loads OFAC's SDN list in its classic XML form (`SDN.XML`: `sdnList/sdnEntry` with `idList/id`
 * entries whose `idType` is `Digital Currency Address - <CUR>` and whose `idNumber` is the
 * address; names from `firstName`/`lastName` and `akaList`).
 *
 * @throws {ComplianceInputError} `COMPLIANCE_LIST_PARSE_FAILED` on malformed XML (with line and
 * element path) or a document that is not an `sdnList`.
 */
export function parseOfacSdnXml(xml: string, options: { source?: string } = {}): SanctionsList {
  const addresses: SanctionedAddress[] = []
  const parties: SanctionedParty[] = []
  const path: string[] = []
  let text = ''
  let root = ''
  let published: string | undefined
  let entry: {
    uid: string
    first: string
    last: string
    type: string
    programs: string[]
    aliases: string[]
    ids: { type: string; number: string }[]
  } | null = null
  let id: { type: string; number: string } | null = null
  let aka: { first: string; last: string } | null = null
  parseXml(xml, 'sdn.xml', {
    open(name) {
      if (path.length === 0) root = name
      path.push(name)
      text = ''
      if (name === 'sdnEntry')
        entry = { uid: '', first: '', last: '', type: '', programs: [], aliases: [], ids: [] }
      else if (name === 'id' && entry) id = { type: '', number: '' }
      else if (name === 'aka' && entry) aka = { first: '', last: '' }
    },
    text(t) {
      text += t
    },
    close(name) {
      path.pop()
      const value = text.trim()
      text = ''
      const parent = path[path.length - 1]
      if (name === 'Publish_Date') published = value
      if (!entry) return
      if (id && parent === 'id') {
        if (name === 'idType') id.type = value
        else if (name === 'idNumber') id.number = value
      } else if (aka && parent === 'aka') {
        if (name === 'firstName') aka.first = value
        else if (name === 'lastName') aka.last = value
      } else if (parent === 'sdnEntry') {
        if (name === 'uid') entry.uid = value
        else if (name === 'firstName') entry.first = value
        else if (name === 'lastName') entry.last = value
        else if (name === 'sdnType') entry.type = value.toLowerCase()
      } else if (parent === 'programList' && name === 'program') entry.programs.push(value)
      if (name === 'id' && id) {
        entry.ids.push(id)
        id = null
      } else if (name === 'aka' && aka) {
        entry.aliases.push(aka.first ? `${aka.last}, ${aka.first}` : aka.last)
        aka = null
      } else if (name === 'sdnEntry') {
        const e = entry
        entry = null
        if (!e.uid) throw missing('sdn.xml', 'an SDN entry with a uid')
        const fullName = e.first ? `${e.last}, ${e.first}` : e.last
        for (const i of e.ids) {
          const m = DIGITAL_CURRENCY_TYPE.exec(i.type)
          if (m && i.number) {
            addresses.push({
              address: i.number,
              currency: m[1]!.toUpperCase(),
              entityId: e.uid,
              name: fullName,
              programs: e.programs,
            })
          }
        }
        parties.push({
          entityId: e.uid,
          type: e.type || 'entity',
          name: fullName,
          aliases: e.aliases,
          programs: e.programs,
        })
      }
    },
  })
  if (root !== 'sdnList') throw missing('sdn.xml', 'an OFAC sdnList document')
  return { source: options.source ?? 'ofac-sdn', published, addresses, parties }
}

/**
 * Loads OFAC's SDN list in its advanced XML form (`SDN_ADVANCED.XML`): feature types named
 * `Digital Currency Address - <CUR>` are looked up in `ReferenceValueSets/FeatureTypeValues`, and
 * every `DistinctParty/Profile/Feature` of such a type contributes its `VersionDetail` text as an
 * address. Names come from the primary alias's `NamePartValue`s.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_LIST_PARSE_FAILED` on malformed XML or a document
 * that is not an OFAC `Sanctions` export.
 */
export function parseOfacAdvancedXml(
  xml: string,
  options: { source?: string } = {},
): SanctionsList {
  const featureTypes = new Map<string, string>()
  const parties: SanctionedParty[] = []
  const rawAddresses: {
    featureTypeId: string
    address: string
    entityId: string
    party: SanctionedParty
  }[] = []
  let root = ''
  let text = ''
  let published: string | undefined
  let featureTypeId: string | null = null
  let party: { id: string; names: string[][]; primary: number; type: string } | null = null
  let inAlias: { primary: boolean; parts: string[] } | null = null
  let feature: string | null = null
  const pending: { featureTypeId: string; address: string }[] = []
  const depth: string[] = []
  parseXml(xml, 'sdn_advanced.xml', {
    open(name, attributes) {
      if (depth.length === 0) root = name
      depth.push(name)
      text = ''
      if (name === 'FeatureType') featureTypeId = attributes.ID ?? null
      else if (name === 'DistinctParty') {
        party = { id: attributes.FixedRef ?? '', names: [], primary: 0, type: 'entity' }
      } else if (party && name === 'Profile') {
        const subType = attributes.PartySubTypeID
        party.type =
          subType === '4'
            ? 'individual'
            : subType === '1'
              ? 'vessel'
              : subType === '2'
                ? 'aircraft'
                : 'entity'
      } else if (party && name === 'Alias')
        inAlias = { primary: attributes.Primary === 'true', parts: [] }
      else if (party && name === 'Feature') feature = attributes.FeatureTypeID ?? null
    },
    text(t) {
      text += t
    },
    close(name) {
      depth.pop()
      const value = text.trim()
      text = ''
      if (name === 'FeatureType' && featureTypeId) {
        featureTypes.set(featureTypeId, value)
        featureTypeId = null
      } else if (name === 'DatePublished' || name === 'DateOfIssue')
        published ??= value || undefined
      else if (name === 'NamePartValue' && inAlias && value) inAlias.parts.push(value)
      else if (name === 'Alias' && party && inAlias) {
        if (inAlias.parts.length) {
          if (inAlias.primary) party.primary = party.names.length
          party.names.push(inAlias.parts)
        }
        inAlias = null
      } else if (name === 'VersionDetail' && feature && value) {
        pending.push({ featureTypeId: feature, address: value })
      } else if (name === 'Feature') feature = null
      else if (name === 'DistinctParty' && party) {
        const p = party
        party = null
        const names = p.names.map((parts) => parts.join(' '))
        const primaryName = names[p.primary] ?? names[0] ?? ''
        const record: SanctionedParty = {
          entityId: p.id,
          type: p.type,
          name: primaryName,
          aliases: names.filter((_, i) => i !== p.primary),
          programs: [],
        }
        parties.push(record)
        for (const a of pending.splice(0))
          rawAddresses.push({ ...a, entityId: p.id, party: record })
      }
    },
  })
  if (root !== 'Sanctions' && root !== 'SanctionsData') {
    throw missing('sdn_advanced.xml', 'an OFAC advanced Sanctions document')
  }
  const addresses: SanctionedAddress[] = []
  for (const a of rawAddresses) {
    const typeName = featureTypes.get(a.featureTypeId)
    const m = typeName ? DIGITAL_CURRENCY_TYPE.exec(typeName) : null
    if (m) {
      addresses.push({
        address: a.address,
        currency: m[1]!.toUpperCase(),
        entityId: a.entityId,
        name: a.party.name,
        programs: a.party.programs,
      })
    }
  }
  return { source: options.source ?? 'ofac-sdn', published, addresses, parties }
}
