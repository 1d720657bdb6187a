import type { IssuePath } from '@strongroom/core'

/** Callbacks of {@link scanXml}. */
export type XmlHandler = {
  open?(name: string, attributes: Readonly<Record<string, string>>): void
  close?(name: string): void
  text?(text: string): void
}

/** Where a malformed document broke, as 1-based line and column. */
export type XmlPosition = { line: number; column: number }

/** Thrown by {@link scanXml}; callers wrap it in their own typed error. */
export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError'
  readonly position: XmlPosition
  readonly path: IssuePath
  constructor(message: string, position: XmlPosition, path: IssuePath) {
    super(`${message} at line ${position.line}, column ${position.column}`)
    this.position = position
    this.path = path
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0) return text
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10)
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[body] ?? whole
  })
}

const NAME = /^[A-Za-z_:][\w.:-]*$/
const ATTRIBUTE = /([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g

/**
 * A small, strict, streaming XML scanner for well-formed list files (elements, attributes, text,
 * CDATA, comments, processing instructions, the five predefined entities and character
 * references). Namespace prefixes are stripped from element names. DTDs are skipped, never
 * expanded.
 *
 * @throws {XmlSyntaxError} with the line/column and the element path where the document broke.
 */
export function scanXml(xml: string, handler: XmlHandler): void {
  const stack: string[] = []
  let i = 0
  const n = xml.length
  if (xml.charCodeAt(0) === 0xfeff) i = 1
  const position = (at: number): XmlPosition => {
    let line = 1
    let last = -1
    for (let k = xml.indexOf('\n'); k >= 0 && k < at; k = xml.indexOf('\n', k + 1)) {
      line++
      last = k
    }
    return { line, column: at - last }
  }
  const fail = (message: string, at: number): never => {
    throw new XmlSyntaxError(message, position(at), [...stack])
  }
  let sawRoot = false
  while (i < n) {
    const lt = xml.indexOf('<', i)
    const end = lt < 0 ? n : lt
    if (end > i) {
      const raw = xml.slice(i, end)
      if (stack.length === 0) {
        if (raw.trim() !== '') fail('text outside the root element', i)
      } else handler.text?.(decodeEntities(raw))
    }
    if (lt < 0) break
    i = lt
    if (xml.startsWith('<!--', i)) {
      const close = xml.indexOf('-->', i + 4)
      if (close < 0) fail('unterminated comment', i)
      i = close + 3
    } else if (xml.startsWith('<![CDATA[', i)) {
      const close = xml.indexOf(']]>', i + 9)
      if (close < 0) fail('unterminated CDATA section', i)
      if (stack.length === 0) fail('CDATA outside the root element', i)
      handler.text?.(xml.slice(i + 9, close))
      i = close + 3
    } else if (xml.startsWith('<?', i)) {
      const close = xml.indexOf('?>', i + 2)
      if (close < 0) fail('unterminated processing instruction', i)
      i = close + 2
    } else if (xml.startsWith('<!', i)) {
      // DOCTYPE (possibly with an internal subset): skipped, entities are never expanded.
      let depth = 0
      let k = i + 2
      for (; k < n; k++) {
        const c = xml[k]
        if (c === '[') depth++
        else if (c === ']') depth--
        else if (c === '>' && depth <= 0) break
      }
      if (k >= n) fail('unterminated declaration', i)
      i = k + 1
    } else if (xml[i + 1] === '/') {
      const close = xml.indexOf('>', i)
      if (close < 0) fail('unterminated end tag', i)
      const name = stripPrefix(xml.slice(i + 2, close).trim())
      const open = stack[stack.length - 1]
      if (open !== name) fail(`end tag </${name}> does not match <${open ?? '(none)'}>`, i)
      stack.pop()
      handler.close?.(name)
      i = close + 1
    } else {
      // Start tag: find its end, skipping quoted attribute values.
      let k = i + 1
      let quote = ''
      for (; k < n; k++) {
        const c = xml[k]!
        if (quote) {
          if (c === quote) quote = ''
        } else if (c === '"' || c === "'") quote = c
        else if (c === '>') break
        else if (c === '<') fail('"<" inside a tag', k)
      }
      if (k >= n) fail('unterminated start tag', i)
      const selfClosing = xml[k - 1] === '/'
      const body = xml.slice(i + 1, selfClosing ? k - 1 : k)
      const space = body.search(/\s/)
      const rawName = space < 0 ? body : body.slice(0, space)
      if (!NAME.test(rawName)) fail(`malformed element name "${rawName}"`, i)
      const name = stripPrefix(rawName)
      if (stack.length === 0 && sawRoot) fail('a second root element', i)
      const attributes: Record<string, string> = {}
      if (space >= 0) {
        const rest = body.slice(space)
        ATTRIBUTE.lastIndex = 0
        for (let m = ATTRIBUTE.exec(rest); m; m = ATTRIBUTE.exec(rest)) {
          attributes[stripPrefix(m[1]!)] = decodeEntities(m[3] ?? m[4] ?? '')
        }
        if (rest.replace(ATTRIBUTE, '').trim() !== '') fail(`malformed attributes in <${name}>`, i)
      }
      sawRoot = true
      stack.push(name)
      handler.open?.(name, attributes)
      if (selfClosing) {
        stack.pop()
        handler.close?.(name)
      }
      i = k + 1
    }
  }
  if (stack.length > 0) fail(`unclosed element <${stack[stack.length - 1]}>`, n)
  if (!sawRoot) fail('no root element', n)
}

function stripPrefix(name: string): string {
  const colon = name.indexOf(':')
  return colon < 0 ? name : name.slice(colon + 1)
}
