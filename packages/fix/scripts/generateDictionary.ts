// Generates `src/dictionary/fix44Data.ts`, the compact FIX 4.4 data dictionary, from QuickFIX's
// `FIX44.xml` (quickfix/quickfix tag v1.15.1, `spec/FIX44.xml`, QuickFIX Software License 1.0).
//
//   pnpm run generate-dictionary [path/to/FIX44.xml]
//
// Without an argument it reads `<repo>/../shared/testdata/fix44-acceptance/FIX44.xml`. The output
// is deterministic: the test `test/dictionary.generate.test.ts` regenerates it and compares the
// result with the committed module byte for byte.
//
// Compact format (parsed once at run time by `src/dictionary/dictionary.ts`):
// - FIELDS: one line per field, `tag name TYPE [enum enum ...]` (enum values never hold spaces);
// - MESSAGES: one line per message, `msgType name category layout`;
// - HEADER / TRAILER: a layout.
// A layout is a comma-separated list of entries in dictionary order, components expanded: a field
// is its tag, `!` marks it required; a repeating group is its NumInGroup tag (with `!` when the
// group is required) followed by `{layout}` of one group entry, whose first entry is the
// delimiter.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

type XmlNode = {
  name: string
  attrs: Record<string, string>
  children: XmlNode[]
}

/** A tiny parser for the subset of XML the QuickFIX dictionaries use (elements and attributes). */
export function parseXml(text: string): XmlNode {
  const root: XmlNode = { name: '#root', attrs: {}, children: [] }
  const stack: XmlNode[] = [root]
  const tag =
    /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:'[^']*'|"[^"]*"))*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g
  const attr = /([\w:.-]+)\s*=\s*(?:'([^']*)'|"([^"]*)")/g
  for (const match of text.matchAll(tag)) {
    if (match[2] === undefined) continue
    const [, closing, name, attrText, selfClosing] = match
    if (closing) {
      const top = stack.pop()
      if (!top || top.name !== name) throw new Error(`mismatched </${name}>`)
      continue
    }
    const attrs: Record<string, string> = {}
    for (const a of (attrText ?? '').matchAll(attr)) attrs[a[1]!] = a[2] ?? a[3] ?? ''
    const node: XmlNode = { name: name!, attrs, children: [] }
    stack[stack.length - 1]!.children.push(node)
    if (!selfClosing) stack.push(node)
  }
  if (stack.length !== 1) throw new Error('unclosed element')
  return root
}

const child = (node: XmlNode, name: string): XmlNode => {
  const found = node.children.find((c) => c.name === name)
  if (!found) throw new Error(`<${node.name}> has no <${name}>`)
  return found
}

/** A string literal the way the formatter (biome, single quotes) writes it. */
function quote(text: string): string {
  if (text.includes("'") && !text.includes('"')) return JSON.stringify(text)
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** ` 'value'` on the same line, or on the next one indented when the line would pass 100 columns. */
function constant(text: string): string {
  const literal = quote(text)
  return literal.length + 30 > 100 ? `\n  ${literal}` : ` ${literal}`
}

/** Builds the compact dictionary module's source text from the XML text. */
export function generateDictionaryModule(xml: string): string {
  const fix = child(parseXml(xml), 'fix')
  const version = `${fix.attrs.type}.${fix.attrs.major}.${fix.attrs.minor}`
  const fieldNodes = child(fix, 'fields').children.filter((c) => c.name === 'field')
  const tagOf = new Map<string, number>()
  const fieldLines: string[] = []
  for (const f of fieldNodes) {
    const tag = Number(f.attrs.number)
    tagOf.set(f.attrs.name!, tag)
    const enums = f.children.filter((c) => c.name === 'value').map((c) => c.attrs.enum!)
    for (const e of enums) if (/\s/.test(e)) throw new Error(`enum with a space: ${e}`)
    fieldLines.push([tag, f.attrs.name, f.attrs.type, ...enums].join(' '))
  }
  const components = new Map<string, XmlNode>()
  for (const c of child(fix, 'components').children) components.set(c.attrs.name!, c)

  const lookup = (name: string): number => {
    const tag = tagOf.get(name)
    if (tag === undefined) throw new Error(`unknown field ${name}`)
    return tag
  }
  // Expands a list of children (fields, groups, components) into layout entries.
  const layout = (nodes: XmlNode[], required: boolean): string[] => {
    const out: string[] = []
    for (const n of nodes) {
      const req = required && (n.attrs.required === 'Y' || n.attrs.required === 'YES')
      if (n.name === 'field') out.push(`${lookup(n.attrs.name!)}${req ? '!' : ''}`)
      else if (n.name === 'group') {
        // Inside a group entry, required flags apply whenever the entry is present.
        out.push(`${lookup(n.attrs.name!)}${req ? '!' : ''}{${layout(n.children, true).join(',')}}`)
      } else if (n.name === 'component') {
        const def = components.get(n.attrs.name!)
        if (!def) throw new Error(`unknown component ${n.attrs.name}`)
        out.push(...layout(def.children, req))
      }
    }
    return out
  }
  const messageLines = child(fix, 'messages')
    .children.filter((m) => m.name === 'message')
    .map((m) =>
      [m.attrs.msgtype, m.attrs.name, m.attrs.msgcat, layout(m.children, true).join(',')].join(' '),
    )
  const header = layout(child(fix, 'header').children, true).join(',')
  const trailer = layout(child(fix, 'trailer').children, true).join(',')

  const literal = (lines: string[]) =>
    `[\n${lines.map((l) => `  ${quote(l)},`).join('\n')}\n].join('\\n')`
  return `// GENERATED FILE, do not edit. Regenerate with \`pnpm run generate-dictionary\` in packages/fix
// (scripts/generateDictionary.ts), which reads ../shared/testdata/fix44-acceptance/FIX44.xml.
//
// Source: the FIX 4.4 data dictionary shipped by QuickFIX 1.15.1 (quickfix/quickfix, tag v1.15.1,
// spec/FIX44.xml), derived from the public FIX 4.4 specification. QuickFIX Software License 1.0:
// "This product includes software developed by quickfixengine.org (http://www.quickfixengine.org/)."
//
// Format: see scripts/generateDictionary.ts. ${fieldLines.length} fields, ${messageLines.length} messages.

/** BeginString of this dictionary. */
export const FIX44_VERSION = ${quote(version)}

/** Fields: \`tag name TYPE [enum ...]\`, one per line. */
export const FIX44_FIELDS: string = ${literal(fieldLines)}

/** Messages: \`msgType name category layout\`, one per line. */
export const FIX44_MESSAGES: string = ${literal(messageLines)}

/** Standard header layout. */
export const FIX44_HEADER =${constant(header)}

/** Standard trailer layout. */
export const FIX44_TRAILER =${constant(trailer)}
`
}

export const defaultXmlPath = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../..'),
  'shared/testdata/fix44-acceptance/FIX44.xml',
)
export const outputPath = join(
  dirname(fileURLToPath(import.meta.url)),
  '../src/dictionary/fix44Data.ts',
)

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const input = process.argv[2] ?? defaultXmlPath
  writeFileSync(outputPath, generateDictionaryModule(readFileSync(input, 'utf8')))
  process.stdout.write(`wrote ${outputPath}\n`)
}
