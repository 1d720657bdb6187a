import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTempDir } from '@strongroom/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createManualClock } from '../clock.js'
import {
  AuditClosedError,
  AuditCorruptRecordError,
  AuditTornTailError,
  AuditWriteError,
} from './auditErrors.js'
import { openAuditLog } from './auditLog.js'
import type { AuditRecord } from './auditRecord.js'
import { openFileAuditSink } from './fileAuditSink.js'

const dirs: { remove(): void }[] = []
function tempFile(): string {
  const dir = createTempDir('strongroom-audit-')
  dirs.push(dir)
  return join(dir.path, 'audit.jsonl')
}
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove()
})

async function collect(iterable: AsyncIterable<AuditRecord>): Promise<AuditRecord[]> {
  const out: AuditRecord[] = []
  for await (const record of iterable) out.push(record)
  return out
}

async function writeChain(path: string, count: number) {
  const log = await openAuditLog({
    sink: await openFileAuditSink({ path }),
    clock: createManualClock(1_000),
  })
  for (let i = 0; i < count; i++) await log.append({ type: 'test', actor: 'a', data: { i } })
  const head = log.head()
  await log.close()
  return head!
}

describe('file audit sink', () => {
  it('persists records as JSON lines and a reopened log continues the chain', async () => {
    const path = tempFile()
    const head = await writeChain(path, 5)
    expect(head.seq).toBe(5)
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(5)

    const log = await openAuditLog({
      sink: await openFileAuditSink({ path }),
      clock: createManualClock(2_000),
    })
    expect(log.head()).toEqual(head)
    const record = await log.append({ type: 'test', actor: 'b', data: { big: 10n ** 40n } })
    expect(record.seq).toBe(6)
    expect(record.prevHash).toBe(head.hash)
    expect(record.data).toEqual({ big: '10000000000000000000000000000000000000000' })
    expect(await log.verify({ head: log.head() })).toMatchObject({ ok: true, count: 6 })
    await log.close()
  })

  it('group commit: concurrent appends share fsyncs and keep their order', async () => {
    const path = tempFile()
    const sink = await openFileAuditSink({ path })
    const log = await openAuditLog({ sink, clock: createManualClock(0) })
    const records = await Promise.all(
      Array.from({ length: 2_000 }, (_, i) => log.append({ type: 't', actor: 'x', data: i })),
    )
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 2_000 }, (_, i) => i + 1))
    expect(sink.syncCount).toBeGreaterThan(0)
    expect(sink.syncCount).toBeLessThan(100)
    const stored = await collect(sink.read())
    expect(stored.map((r) => r.data)).toEqual(Array.from({ length: 2_000 }, (_, i) => i))
    expect((await log.verify()).ok).toBe(true)
    await log.close()
  })

  it('batches with maxDelayMs and flushes pending appends on close', async () => {
    const path = tempFile()
    const sink = await openFileAuditSink({ path, maxDelayMs: 50 })
    const log = await openAuditLog({ sink, clock: createManualClock(0) })
    const pending = [1, 2, 3].map((i) => log.append({ type: 't', actor: 'x', data: i }))
    await log.close()
    expect((await Promise.all(pending)).map((r) => r.seq)).toEqual([1, 2, 3])
    expect(sink.syncCount).toBe(1)
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(3)
  })

  it('detects a torn last line on open, and truncates it only when told to', async () => {
    const path = tempFile()
    await writeChain(path, 3)
    const intactLength = readFileSync(path).length
    appendFileSync(path, '{"seq":4,"time":1000,"ty')

    const error = await openFileAuditSink({ path }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuditTornTailError)
    expect((error as AuditTornTailError).offset).toBe(intactLength)
    expect((error as AuditTornTailError).length).toBe(24)
    expect(readFileSync(path).length).toBe(intactLength + 24) // nothing changed

    const sink = await openFileAuditSink({ path, onTornTail: 'truncate' })
    expect(sink.recovered).toEqual({ offset: intactLength, truncatedBytes: 24 })
    const log = await openAuditLog({ sink, clock: createManualClock(5_000) })
    expect((await log.append({ type: 't', actor: 'x', data: null })).seq).toBe(4)
    expect(await log.verify()).toMatchObject({ ok: true, count: 4 })
    await log.close()
  })

  it('treats a file that is one incomplete line as torn at offset 0', async () => {
    const path = tempFile()
    writeFileSync(path, '{"seq":1')
    const error = await openFileAuditSink({ path }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CORE_AUDIT_TORN_TAIL', offset: 0, length: 8 })
  })

  it('reports a corrupt record in the middle with its line and offset, never skipping it', async () => {
    const path = tempFile()
    await writeChain(path, 4)
    const lines = readFileSync(path, 'utf8').split('\n')
    const offset = lines[0]!.length + 1 + lines[1]!.length + 1
    lines[2] = '{"not json'
    writeFileSync(path, lines.join('\n'))

    const sink = await openFileAuditSink({ path })
    const error = await collect(sink.read()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuditCorruptRecordError)
    expect(error).toMatchObject({ line: 3, offset })
    await expect(openAuditLog({ sink, clock: createManualClock(0) })).rejects.toBeInstanceOf(
      AuditCorruptRecordError,
    )
    await sink.close()
  })

  it('refuses to open a log whose stored chain was tampered with', async () => {
    const path = tempFile()
    await writeChain(path, 4)
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    ;[lines[1], lines[2]] = [lines[2]!, lines[1]!]
    writeFileSync(path, `${lines.join('\n')}\n`)
    const error = await openAuditLog({
      sink: await openFileAuditSink({ path }),
      clock: createManualClock(0),
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CORE_AUDIT_CHAIN_BROKEN' })
    expect((error as Error).message).toContain('reordered at record index 1')
  })

  it.runIf(existsSync('/dev/full'))(
    'a write it cannot make is an error to the caller, and later appends are refused',
    async () => {
      // /dev/full accepts the open and fails every write with ENOSPC.
      const sink = await openFileAuditSink({ path: '/dev/full' })
      const log = await openAuditLog({ sink, clock: createManualClock(0) })
      const first = log.append({ type: 't', actor: 'x', data: 1 }).catch((e: unknown) => e)
      const second = log.append({ type: 't', actor: 'x', data: 2 }).catch((e: unknown) => e)
      const [a, b] = await Promise.all([first, second])
      expect(a).toBeInstanceOf(AuditWriteError)
      expect(((a as AuditWriteError).cause as NodeJS.ErrnoException).code).toBe('ENOSPC')
      expect(b).toBeInstanceOf(Error)
      expect([AuditWriteError, AuditClosedError].some((cls) => b instanceof cls)).toBe(true)
      await expect(log.append({ type: 't', actor: 'x', data: 3 })).rejects.toBeInstanceOf(
        AuditClosedError,
      )
      await expect(sink.append([])).rejects.toBeInstanceOf(AuditClosedError)
      expect(log.head()).toBeUndefined()
      await log.close()
    },
  )

  it('refuses appends after close', async () => {
    const sink = await openFileAuditSink({ path: tempFile() })
    await sink.close()
    await expect(sink.append([])).rejects.toBeInstanceOf(AuditClosedError)
  })
})
