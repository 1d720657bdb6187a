// Intent to signed transaction through the orchestrator and SoftHSM2, and signatures/s of the
// PKCS#11 signer with session pools of different sizes.
import type { KeyId, RequestId, WalletId } from '@strongroom/core'
import {
  createPkcs11Signer,
  openPkcs11Token,
  requestDigest,
  signAuthorization,
} from '@strongroom/custody'
import { approve, approvers, CHAIN, DEST } from '../test/helpers.js'
import { createBenchCustody } from './custodySetup.js'
import { sha256Hex } from './sha.js'
import { cpuNowUs, fmt, line, nowUs, summarize } from './stats.js'

export async function benchSigning() {
  const custody = await createBenchCustody({ token: 'bench', keyId: 'key-bench' })
  const { clock, env, orchestrator, authorizationKey, trust } = custody
  try {
    const tx = (nonce: number, value: bigint) => ({
      type: 'eip1559',
      chainId: 31337,
      nonce,
      to: DEST,
      value,
      gas: 21_000n,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
    })

    const run = async (label: string, iterations: number, withApprovals: boolean) => {
      const samples = new Float64Array(iterations)
      let cpuUs = 0
      for (let i = -100; i < iterations; i++) {
        const requestId = `${label}-${i}`
        const amount = withApprovals ? '2' : '0.5'
        let elapsed = 0
        let cpu = 0
        let cpuStart = cpuNowUs()
        let start = nowUs()
        const submitted = await orchestrator.submit({
          requestId,
          walletId: 'hot',
          initiator: 'dave',
          chain: CHAIN,
          asset: 'ETH',
          amount,
          destination: DEST,
        })
        elapsed += nowUs() - start
        cpu += cpuNowUs() - cpuStart
        if (!submitted.ok) throw new Error(submitted.rejection.message)
        if (withApprovals) {
          // Approvers sign on their own devices: not timed.
          const a = approve(approvers.alice, submitted.value.digest, clock.now())
          const b = approve(approvers.bob, submitted.value.digest, clock.now())
          cpuStart = cpuNowUs()
          start = nowUs()
          await orchestrator.approve({ requestId, approval: a })
          await orchestrator.approve({ requestId, approval: b })
          elapsed += nowUs() - start
          cpu += cpuNowUs() - cpuStart
        }
        cpuStart = cpuNowUs()
        start = nowUs()
        const signed = await orchestrator.sign({
          requestId,
          transaction: tx(0, submitted.value.request.amount),
        })
        elapsed += nowUs() - start
        cpu += cpuNowUs() - cpuStart
        if (!signed.ok) throw new Error(signed.rejection.message)
        if (i >= 0) {
          samples[i] = elapsed
          cpuUs += cpu
        }
      }
      const stats = summarize(samples)
      return { ...stats, cpuPerRequestUs: cpuUs / iterations }
    }
    // CPU time of the whole process in the timed sections (event loop, the SoftHSM2 thread, GC):
    // steadier than wall time when other work shares the machine.
    const cpuLine = (stats: { cpuPerRequestUs: number }) =>
      console.log(`${'  CPU per request (whole process)'.padEnd(58)} ${fmt(stats.cpuPerRequestUs)}`)
    console.log(
      '\nintent to signed transaction (orchestrator: validate, screen, policy, authorization; PKCS#11 signer: verify, SoftHSM2 ECDSA, low-s, recovery id; in-memory audit log)',
    )
    const allow = await run('allow', 2_000, false)
    line('allow rule, no approvals (2,000 requests)', allow, { p99Us: 5_000, name: 'issue' })
    cpuLine(allow)
    const quorum = await run('quorum', 1_000, true)
    line('2-of-3 approvals verified by orchestrator and signer (1,000)', quorum, {
      p99Us: 5_000,
      name: 'issue',
    })
    cpuLine(quorum)

    // Signatures/s through the signer (authorization check + HSM) with session pools of 1, 4, 8.
    console.log(
      '\nPKCS#11 signer throughput (secp256k1 ECDSA on SoftHSM2, authorization verified per signature, 2,000 signatures)',
    )
    for (const sessions of [1, 4, 8]) {
      const pooled = await openPkcs11Token({ ...env, sessions })
      const s = await createPkcs11Signer({ token: pooled, keyId: 'key-bench', trust: trust() })
      const total = 2_000
      const now = clock.now()
      const jobs = await Promise.all(
        Array.from({ length: total }, async (_, i) => {
          const payload = new Uint8Array(32)
          payload[0] = i & 0xff
          payload[1] = i >> 8
          const request = {
            requestId: `t${i}` as RequestId,
            kind: 'withdrawal',
            walletId: 'hot' as WalletId,
            initiator: 'dave',
            chain: CHAIN,
            asset: 'ETH',
            amount: 1n,
            destination: DEST,
            createdAt: now,
          }
          return {
            payload,
            authorization: await signAuthorization(
              {
                requestId: request.requestId,
                keyId: 'key-bench' as KeyId,
                policyId: 'withdrawals',
                policyVersion: 1,
                ruleId: 'small-allow-listed',
                payloadDigest: sha256Hex(payload),
                requestDigest: requestDigest(request),
                approvals: [],
                issuedAt: now,
                expiresAt: now + 120_000,
                nonce: i.toString(16).padStart(32, '0'),
                initiator: 'dave',
                walletId: 'hot',
                chain: CHAIN,
              },
              authorizationKey,
            ),
          }
        }),
      )
      let next = 0
      const start = nowUs()
      const worker = async () => {
        while (next < total) {
          const job = jobs[next++]!
          await s.sign(job.payload, job.authorization)
        }
      }
      await Promise.all(Array.from({ length: sessions * 2 }, worker))
      const seconds = (nowUs() - start) / 1e6
      console.log(
        `${`session pool of ${sessions}`.padEnd(58)} ${Math.round(total / seconds)
          .toLocaleString('en-US')
          .padStart(7)} signatures/s`,
      )
      await pooled.close()
    }
  } finally {
    await custody.close()
  }
}
