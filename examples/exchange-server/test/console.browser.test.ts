// The operations console in Debian's headless Chromium, driven by Playwright, against a running
// reference exchange (local hardhat chain, file journal, PGlite ledger). Screenshots land in
// .reports/screenshots/ (not committed).
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApproval } from '@strongroom/custody'
import { createTempDir, requireServices, serviceEndpoints } from '@strongroom/testkit'
import { type BrowserContext, type Page, chromium as playwright } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendFromDevAccount } from '../src/chain/hardhatNode.js'
import { jsonRpc } from '../src/chain/jsonRpc.js'
import { ApiError, createRestClient, type RestClient } from '../src/client/restClient.js'
import { ensureConsoleBuilt } from '../src/console/buildConsole.js'
import type { DevSecrets } from '../src/custody/devSecrets.js'
import type { RunningExchange } from '../src/server.js'
import { startTestExchange, until } from './support.js'

const browser = await requireServices('exchange-server: operations console in Chromium', [
  'chromium',
])
const SCREENSHOTS = fileURLToPath(new URL('../../../.reports/screenshots/', import.meta.url))
const E18 = 10n ** 18n
const dir = createTempDir('strongroom-console-')
const profile = createTempDir('strongroom-chromium-profile-')
let exchange: RunningExchange
let context: BrowserContext
let admin: RestClient
type Key = { keyId: string; secret: string; client: RestClient }
const keys: Record<string, Key> = {}
let secrets: DevSecrets
/** Everything any page sent: URL, headers and body (to prove private keys never leave). */
const sent: string[] = []

async function account(accountId: string, permissions: string[]): Promise<Key> {
  const key = await admin.post<{ keyId: string; secret: string }>('/v1/admin/accounts', {
    accountId,
    permissions,
    kycLevel: 2,
  })
  keys[accountId] = { ...key, client: createRestClient({ baseUrl: exchange.urls.http, ...key }) }
  return keys[accountId]!
}

async function openConsole(key: { keyId: string; secret: string }): Promise<Page> {
  const page = await context.newPage()
  page.on('request', (r) => sent.push(`${r.url()} ${JSON.stringify(r.headers())} ${r.postData()}`))
  await page.goto(exchange.urls.console)
  await page.fill('input[name=keyId]', key.keyId)
  await page.fill('input[name=secret]', key.secret)
  await page.click('button[type=submit]')
  await page.getByTestId('whoami').waitFor()
  await expect.poll(() => page.getByTestId('stream-status').textContent()).toBe('stream live')
  return page
}
const notice = (page: Page) => page.getByTestId('notice').textContent()
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })

async function loadApproverKey(page: Page, index: number) {
  const approver = secrets.approvers[index]!
  await page.selectOption('select[name=approverId]', approver.id)
  await page.fill('input[name=approverPrivateKey]', approver.seed)
  await page.getByRole('button', { name: 'Load key' }).click()
  await expect
    .poll(() => page.getByTestId('approver-key-state').textContent())
    .toBe(`signing as ${approver.id}`)
}

async function review(page: Page, withdrawalId: string) {
  const row = page.locator(`[data-testid=pending] tr[data-withdrawal="${withdrawalId}"]`)
  await row.waitFor()
  await row.getByRole('button', { name: 'Review' }).click()
  await page.getByTestId('review').waitFor()
}

const withdrawalStatus = (page: Page, withdrawalId: string) =>
  page
    .locator(`[data-testid=recent-withdrawals] tr[data-withdrawal="${withdrawalId}"]`)
    .getAttribute('data-status', { timeout: 1_000 })
    .catch(() => null)

/** Audit records about approvals (submitted through the console, counted, or refused). */
const approvalAudit = () =>
  readFileSync(join(dir.path, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => /"type":"(console|custody)\.approval/.test(line))

const approvalsOf = (withdrawalId: string) =>
  exchange.custody.orchestrator.get(withdrawalId)?.approvals.map((a) => a.approverId) ?? []

let nextDestination = 1
const destination = () => `0x${(0xc0de0000 + nextDestination++).toString(16).padStart(40, '0')}`

async function requestWithdrawal(amount: string, address = destination()) {
  return keys
    .bob!.client.post<{ withdrawalId: string; status: string; reason?: string }>(
      '/v1/withdrawals',
      { asset: 'ETH', amount, address },
    )
    .catch((error: unknown) => {
      if (error instanceof ApiError)
        return error.body as { withdrawalId: string; status: string; reason?: string }
      throw error
    })
}

describe.skipIf(!browser.available)('operations console in headless Chromium', () => {
  beforeAll(async () => {
    ensureConsoleBuilt()
    mkdirSync(SCREENSHOTS, { recursive: true })
    exchange = await startTestExchange({ dataDir: dir.path })
    secrets = JSON.parse(readFileSync(join(dir.path, 'dev-secrets.json'), 'utf8')) as DevSecrets
    admin = createRestClient({ baseUrl: exchange.urls.http, ...exchange.adminKey })
    await account('alice', ['read', 'trade', 'withdraw'])
    await account('bob', ['read', 'trade', 'withdraw'])
    await account('viewer', ['read'])
    await account('desk', ['read', 'approve'])
    await admin.post('/v1/admin/faucet', { accountId: 'alice', asset: 'USDC', amount: '100000' })
    const { address } = await keys.bob!.client.get<{ address: string }>(
      '/v1/deposit-address?asset=ETH',
    )
    await sendFromDevAccount(exchange.urls.rpc, 4, address, 60n * E18)
    await until(
      async () => {
        const { balances } = await keys.bob!.client.get<{
          balances: { asset: string; available: string }[]
        }>('/v1/balances')
        return balances.some((b) => b.asset === 'ETH' && b.available === '60') ? true : undefined
      },
      30_000,
      'the deposit to be credited',
    )
    context = await playwright.launchPersistentContext(profile.path, {
      executablePath: serviceEndpoints.chromium,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1600, height: 1200 },
    })
  }, 180_000)

  afterAll(async () => {
    await context?.close()
    await exchange?.close()
    dir.remove()
    profile.remove()
  })

  it('loads, shows a live book and trades, SLO samples and Prometheus metrics', async () => {
    const page = await openConsole(exchange.adminKey)
    await keys.alice!.client.post('/v1/orders', {
      symbol: 'ETH-USDC',
      side: 'buy',
      type: 'limit',
      price: '2950',
      quantity: '1.5',
    })
    await keys.alice!.client.post('/v1/orders', {
      symbol: 'ETH-USDC',
      side: 'buy',
      type: 'limit',
      price: '2940',
      quantity: '2',
    })
    // The page's best bids equal the REST book's, pushed without reloading.
    const rest = await admin.get<{ bids: [string, string][] }>('/v1/markets/ETH-USDC/book')
    expect(rest.bids.map(([p]) => p)).toEqual(['2950.00', '2940.00'])
    const bidRows = page.locator('[data-testid=bids] tr')
    await expect.poll(() => bidRows.count()).toBe(2)
    expect(await bidRows.nth(0).locator('td').nth(0).textContent()).toBe(rest.bids[0]![0])
    expect(await bidRows.nth(0).locator('td').nth(1).textContent()).toBe(rest.bids[0]![1])

    // Bob sells into the best bid: a trade appears and the level shrinks, live.
    await keys.bob!.client.post('/v1/orders', {
      symbol: 'ETH-USDC',
      side: 'sell',
      type: 'limit',
      price: '2950',
      quantity: '0.5',
    })
    const trades = page.locator('[data-testid=trades] tbody tr')
    await expect.poll(() => trades.count()).toBe(1)
    expect(await trades.nth(0).locator('td').nth(1).textContent()).toBe('2950.00')
    const after = await admin.get<{ bids: [string, string][] }>('/v1/markets/ETH-USDC/book')
    await expect
      .poll(() => bidRows.nth(0).locator('td').nth(1).textContent())
      .toBe(after.bids[0]![1])
    expect(after.bids[0]![1]).not.toBe(rest.bids[0]![1])

    // The SLO panel counts matching samples; /metrics exposes the same in Prometheus format.
    await expect
      .poll(async () => Number(await page.locator('[data-slo=matching] td').nth(1).textContent()), {
        timeout: 5_000,
      })
      .toBeGreaterThanOrEqual(3)
    const metrics = await (await fetch(`${exchange.urls.http}/metrics`)).text()
    expect(metrics).toContain('strongroom_fills_total{symbol="ETH-USDC"} 1')
    expect(metrics).toContain('strongroom_orders_total{outcome="accepted",symbol="ETH-USDC"} 3')
    expect(metrics).toMatch(/^strongroom_matching_seconds_count [3-9]\d*$/m)
    await shot(page, 'console-live-book')
    await page.close()
  })

  it('the stream and console routes refuse unsigned or under-privileged requests', async () => {
    const stream = await fetch(`${exchange.urls.http}/v1/console/stream`)
    expect(stream.status).toBe(401)
    expect(((await stream.json()) as { error: { code: string } }).error.code).toBe(
      'missing_credentials',
    )
    for (const path of ['/v1/console/tiers', '/v1/console/alerts', '/v1/console/audit']) {
      const error = await keys.viewer!.client.get(path).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).status).toBe(403)
    }
    const tooMany = await admin.get('/v1/console/audit?limit=1000').catch((e: unknown) => e)
    expect((tooMany as ApiError).status).toBe(422)
    // The page is served from the build only; anything else under /console is the page itself.
    const page = await fetch(`${exchange.urls.http}/console/..%2f..%2fpackage.json`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="app"></div>')
  })

  it('an approval signed in the browser flows through to a broadcast; a second submission is refused', async () => {
    const to = destination()
    const w = await requestWithdrawal('12', to)
    expect(w.status).toBe('awaiting_approvals')
    const page = await openConsole(keys.desk!)

    await loadApproverKey(page, 0)
    await review(page, w.withdrawalId)
    await page.getByRole('button', { name: 'Sign and submit approval' }).click()
    await expect.poll(() => notice(page)).toContain(`Approval by approver-1 accepted`)
    expect(approvalsOf(w.withdrawalId)).toEqual(['approver-1'])

    // The same approver submits again: refused, visibly, and nothing changes.
    const auditBefore = approvalAudit()
    await review(page, w.withdrawalId)
    await page.getByRole('button', { name: 'Sign and submit approval' }).click()
    await expect
      .poll(() => notice(page))
      .toBe(
        'Refused (already_approved): approver-1 has already approved this withdrawal; nothing was changed.',
      )
    expect(approvalsOf(w.withdrawalId)).toEqual(['approver-1'])
    expect(exchange.withdrawals.get(w.withdrawalId)!.status).toBe('awaiting_approvals')
    expect(approvalAudit()).toEqual(auditBefore)
    await shot(page, 'console-approval-double-submission')

    // The second approver completes the quorum: signed, broadcast, confirmed on the local chain.
    await loadApproverKey(page, 1)
    await page.getByRole('button', { name: 'Sign and submit approval' }).click()
    await expect
      .poll(() => notice(page))
      .toMatch(/Approval by approver-2 accepted: .* is (broadcast|confirmed)\./)
    await expect
      .poll(() => withdrawalStatus(page, w.withdrawalId), { timeout: 30_000 })
      .toBe('confirmed')
    expect(BigInt(await jsonRpc<string>(exchange.urls.rpc, 'eth_getBalance', [to, 'latest']))).toBe(
      12n * E18,
    )
    // Policy check, signing and broadcast were measured on the way.
    const metrics = await (await fetch(`${exchange.urls.http}/metrics`)).text()
    for (const name of ['policy_check', 'signing', 'broadcast'])
      expect(metrics).toMatch(new RegExp(`^strongroom_${name}_seconds_count [1-9]\\d*$`, 'm'))
    await expect
      .poll(() => page.locator('[data-slo=signing] td').nth(1).textContent(), { timeout: 5_000 })
      .not.toBe('0')
    // Only signatures left the page: neither approver's private key was ever sent.
    for (const approver of secrets.approvers.slice(0, 2))
      expect(sent.some((line) => line.toLowerCase().includes(approver.seed))).toBe(false)
    expect(sent.some((line) => line.includes('/approvals'))).toBe(true)
    await shot(page, 'console-approval-broadcast')
    await page.close()
  })

  it('a stale approval (the withdrawal moved on while under review) is refused and changes nothing', async () => {
    const w = await requestWithdrawal('11')
    expect(w.status).toBe('awaiting_approvals')
    const page = await openConsole(keys.desk!)
    await loadApproverKey(page, 2)
    await review(page, w.withdrawalId)
    const digest = exchange.withdrawals.get(w.withdrawalId)!.requestDigest!
    // An approval signed too long ago does not count either (the policy's approvalMaxAgeMs).
    const old = createApproval({
      key: exchange.custody.devApprovers[2]!.pair,
      subjectDigest: digest,
      approverId: 'approver-3',
      approvedAt: Date.now() - 25 * 3_600_000,
    })
    const refused = await keys
      .desk!.client.post(`/v1/console/withdrawals/${w.withdrawalId}/approvals`, {
        approverId: old.approverId,
        signature: old.signature,
        approvedAt: old.approvedAt,
      })
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(ApiError)
    expect((refused as ApiError).status).toBe(409)
    expect((refused as ApiError).message).toMatch(/approval_invalid: .*expired/)
    expect(approvalsOf(w.withdrawalId)).toEqual([])
    expect(exchange.withdrawals.get(w.withdrawalId)!.status).toBe('awaiting_approvals')
    // Meanwhile two other approvers complete the quorum elsewhere.
    for (const i of [0, 1]) {
      const approver = exchange.custody.devApprovers[i]!
      const a = createApproval({
        key: approver.pair,
        subjectDigest: digest,
        approverId: approver.id,
        approvedAt: Date.now(),
      })
      await admin.post(`/v1/withdrawals/${w.withdrawalId}/approvals`, {
        approverId: a.approverId,
        signature: a.signature,
        approvedAt: a.approvedAt,
      })
    }
    const status = exchange.withdrawals.get(w.withdrawalId)!.status
    expect(['broadcast', 'confirmed']).toContain(status)
    const auditBefore = approvalAudit()
    await page.getByRole('button', { name: 'Sign and submit approval' }).click()
    await expect
      .poll(() => notice(page))
      .toMatch(
        /^Refused \(stale_approval\): The withdrawal is no longer awaiting approvals \(it is (broadcast|confirmed)\); nothing was changed\.$/,
      )
    expect(approvalsOf(w.withdrawalId)).toEqual(['approver-1', 'approver-2'])
    expect(approvalAudit()).toEqual(auditBefore)
    await shot(page, 'console-stale-approval')
    await page.close()
  })

  it('shows the compliance queue with case details, and verifies the audit chain', async () => {
    const blocked = await requestWithdrawal('1', '0x000000000000000000000000000000000000bad1')
    expect(blocked.status).toBe('rejected')
    const page = await openConsole(exchange.adminKey)
    const row = page.locator('[data-testid=alerts] tr[data-case]').first()
    await row.waitFor()
    expect(await row.textContent()).toContain('withdrawal (block)')
    await row.getByRole('button', { name: 'Details' }).click()
    await expect
      .poll(() => page.getByTestId('case-details').textContent())
      .toContain('sanctioned_address')
    await page.getByRole('button', { name: 'Verify chain' }).click()
    await expect
      .poll(() => page.getByTestId('audit-verification').textContent())
      .toMatch(/^chain intact: \d+ records, head #\d+$/)
    expect(await page.locator('[data-testid=audit] tr[data-seq]').count()).toBeGreaterThan(10)
    // Trades from before the page was opened come from REST.
    await expect.poll(() => page.locator('[data-testid=trades] tbody tr').count()).toBe(1)
    await shot(page, 'console-alerts-audit-tiers')
    await page.close()
  })

  it('shows hot, warm and cold against their bands, and the sweeps the planner proposes', async () => {
    const page = await openConsole(exchange.adminKey)
    const row = (tier: string) => page.locator(`[data-testid=tiers] tr[data-tier=${tier}]`)
    await row('hot').waitFor()
    const cells = async (tier: string) => await row(tier).locator('td').allTextContents()
    // The hot wallet's chain balance equals the ledger's (the float is booked as capital, every
    // withdrawal with its network fee), once the last withdrawal is confirmed.
    await expect
      .poll(() => row('hot').locator('td').nth(6).textContent(), { timeout: 20_000 })
      .toBe('chain = ledger')
    // Everything sits in the hot wallet (its float and the deposit addresses): hot is above its
    // band; warm and cold (no watched address on this venue: their ledger accounts) are empty.
    expect(await cells('hot')).toEqual([
      'hot',
      'hot-evm (chain)',
      expect.stringMatching(/^10\d\d(\.\d+)?$/),
      '100.00 %',
      '2.00 % – 5.00 %',
      'above',
      'chain = ledger',
    ])
    expect(await cells('warm')).toEqual([
      'warm',
      'warm-evm (ledger)',
      '0',
      '0.00 %',
      '10.00 % – 15.00 %',
      'below',
      'from the ledger',
    ])
    expect(await cells('cold')).toEqual([
      'cold',
      'cold-evm (ledger)',
      '0',
      '0.00 %',
      '80.00 % – 88.00 %',
      'below',
      'from the ledger',
    ])
    // The planner sweeps the excess down, automatically (hot keys are online): warm first, up to
    // its target, the rest to cold. The page shows the API's amounts.
    const { assets } = await admin.get<{
      assets: { proposals: { from: string; to: string; amount: string }[] }[]
    }>('/v1/console/tiers')
    const proposals = assets[0]!.proposals
    expect(proposals.map((p) => `${p.from}-${p.to}`)).toEqual(['hot-warm', 'hot-cold'])
    for (const p of proposals) {
      const whole = (BigInt(p.amount) / E18).toString()
      await expect
        .poll(() =>
          page
            .locator(`[data-testid=tier-proposals] li[data-move=${p.from}-${p.to}]`)
            .textContent(),
        )
        .toMatch(
          new RegExp(
            `^${p.from} → ${p.to}: ${whole}(\\.\\d+)? ETH \\(automatic; hot above its band\\)$`,
          ),
        )
    }
    await shot(page, 'console-tiers')
    await page.close()
  })

  it('refuses the kill switch to a key without the admin permission, visibly, changing nothing', async () => {
    const page = await openConsole(keys.viewer!)
    await page.fill('input[name=killReason]', 'not mine to pull')
    await page.getByRole('button', { name: 'Engage kill switch' }).click()
    await expect
      .poll(() => notice(page))
      .toBe('Refused (forbidden): This API key lacks the "admin" permission.')
    expect(await page.getByTestId('kill-switch-state').textContent()).toContain('Not engaged')
    expect(exchange.custody.killSwitch.engaged()).toEqual([])
    await shot(page, 'console-missing-permission')
    await page.close()
  })

  it('the kill switch stops withdrawals; engaging it twice is refused', async () => {
    const page = await openConsole(exchange.adminKey)
    await page.fill('input[name=killReason]', 'suspected key compromise')
    await page.getByRole('button', { name: 'Engage kill switch' }).click()
    await expect
      .poll(() => page.getByTestId('kill-switch-state').textContent())
      .toBe('ENGAGED: withdrawals are stopped')
    expect(exchange.custody.killSwitch.engaged()).toHaveLength(1)

    const before = await keys.bob!.client.get<{ balances: unknown[] }>('/v1/balances')
    const w = await requestWithdrawal('1')
    expect(w.status).toBe('rejected')
    expect(w.reason).toMatch(/kill/i)
    await expect.poll(() => withdrawalStatus(page, w.withdrawalId)).toBe('rejected')
    expect(
      await page
        .locator(`[data-testid=recent-withdrawals] tr[data-withdrawal="${w.withdrawalId}"]`)
        .textContent(),
    ).toMatch(/kill/i)
    expect(await keys.bob!.client.get('/v1/balances')).toEqual(before)

    await page.getByRole('button', { name: 'Engage kill switch' }).click()
    await expect
      .poll(() => notice(page))
      .toBe(
        'Refused (already_engaged): The global kill switch is already engaged; nothing was changed.',
      )
    expect(exchange.custody.killSwitch.engaged()).toHaveLength(1)
    await shot(page, 'console-kill-switch')
    await page.close()
  })
})
