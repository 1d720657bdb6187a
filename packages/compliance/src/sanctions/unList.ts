import { ComplianceInputError } from '../errors.js'
import { scanXml, XmlSyntaxError } from '../util/xml.js'
import type { SanctionedParty, SanctionsList } from './listEntry.js'

/**
 * Loads the UN Security Council consolidated list (`CONSOLIDATED_LIST` XML): individuals (name =
 * FIRST…FOURTH_NAME joined) and entities (FIRST_NAME), with `ALIAS_NAME`s and
 * `NAME_ORIGINAL_SCRIPT` as aliases, keyed by `REFERENCE_NUMBER`.
 *
 * @throws {ComplianceInputError} `COMPLIANCE_LIST_PARSE_FAILED` on malformed XML (line, element
 * path) or a document that is not the consolidated list.
 */
export function parseUnConsolidatedXml(
  xml: string,
  options: { source?: string } = {},
): SanctionsList {
  const parties: SanctionedParty[] = []
  const path: string[] = []
  let text = ''
  let root = ''
  let published: string | undefined
  let record: {
    kind: string
    parts: Record<string, string>
    aliases: string[]
    program: string
  } | null = null
  try {
    scanXml(xml, {
      open(name, attributes) {
        if (path.length === 0) {
          root = name
          published = attributes.dateGenerated
        }
        path.push(name)
        text = ''
        if (name === 'INDIVIDUAL' || name === 'ENTITY')
          record = { kind: name, parts: {}, aliases: [], program: '' }
      },
      text(t) {
        text += t
      },
      close(name) {
        path.pop()
        const value = text.replace(/\s+/g, ' ').trim()
        text = ''
        if (!record) return
        const parent = path[path.length - 1]
        if (
          parent === record.kind &&
          /^(FIRST|SECOND|THIRD|FOURTH)_NAME$|^REFERENCE_NUMBER$|^DATAID$/.test(name)
        ) {
          record.parts[name] = value
        } else if (parent === record.kind && name === 'UN_LIST_TYPE') record.program = value
        else if (name === 'NAME_ORIGINAL_SCRIPT' && value) record.aliases.push(value)
        else if (name === 'ALIAS_NAME' && value) record.aliases.push(value)
        else if (name === record.kind) {
          const r = record
          record = null
          const name = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME']
            .map((k) => r.parts[k] ?? '')
            .filter(Boolean)
            .join(' ')
          const entityId = r.parts.REFERENCE_NUMBER || r.parts.DATAID || ''
          if (!name || !entityId) {
            throw new ComplianceInputError('has a listing without a name or reference number.', {
              code: 'COMPLIANCE_LIST_PARSE_FAILED',
              path: ['un.xml', r.kind, parties.length],
              rule: 'required',
            })
          }
          parties.push({
            entityId,
            type: r.kind === 'INDIVIDUAL' ? 'individual' : 'entity',
            name,
            aliases: r.aliases,
            programs: r.program ? [r.program] : [],
          })
        }
      },
    })
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      throw new ComplianceInputError(error.message, {
        code: 'COMPLIANCE_LIST_PARSE_FAILED',
        path: ['un.xml', ...error.path],
        rule: 'xml_syntax',
        cause: error,
      })
    }
    throw error
  }
  if (root !== 'CONSOLIDATED_LIST') {
    throw new ComplianceInputError('is not a UN CONSOLIDATED_LIST document.', {
      code: 'COMPLIANCE_LIST_PARSE_FAILED',
      path: ['un.xml'],
      rule: 'format',
    })
  }
  return { source: options.source ?? 'un-consolidated', published, addresses: [], parties }
}
