// How often the CPUs entered an idle state (halted), from Linux's cpuidle statistics: with one
// message in flight on an otherwise idle machine, each hop can cost a halt and a wake-up.
import { readdirSync, readFileSync } from 'node:fs'

const CPUS = '/sys/devices/system/cpu'

/** Idle-state entries of all CPUs so far (the POLL state, which does not halt, excluded), or undefined off Linux. */
export function cpuIdleEntries(): number | undefined {
  try {
    let total = 0
    for (const cpu of readdirSync(CPUS)) {
      if (!/^cpu\d+$/.test(cpu)) continue
      for (const state of readdirSync(`${CPUS}/${cpu}/cpuidle`)) {
        if (!state.startsWith('state')) continue
        const dir = `${CPUS}/${cpu}/cpuidle/${state}`
        if (readFileSync(`${dir}/name`, 'utf8').trim() === 'POLL') continue
        total += Number(readFileSync(`${dir}/usage`, 'utf8'))
      }
    }
    return total
  } catch {
    return undefined
  }
}
