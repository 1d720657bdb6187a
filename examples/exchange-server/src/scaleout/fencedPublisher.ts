import type { JetStreamClient } from '@nats-io/jetstream'

/** JetStream's error code for a failed expected-last-sequence check. */
const WRONG_LAST_SEQUENCE = 10071

/**
 * The publish was refused because the event subject moved on since this engine last saw it:
 * another primary published (a takeover or its events). The engine is not primary any more.
 */
export class ShardFencedError extends Error {
  override readonly name = 'ShardFencedError'
  readonly code = 'SCALEOUT_FENCED'
  readonly subject: string
  readonly expectedLastSeq: number
  constructor(subject: string, expectedLastSeq: number, cause: unknown) {
    super(
      `publish to ${subject} refused: its last message is no longer ${expectedLastSeq} (another primary published)`,
      { cause },
    )
    this.subject = subject
    this.expectedLastSeq = expectedLastSeq
  }
}

/**
 * Publishes to a shard's event subject only if the subject's last message is still the one the
 * publisher saw (JetStream's expected-last-subject-sequence, checked by the server as it
 * stores). Two engines can therefore never both extend the same history: whoever publishes
 * second from the same point is refused with {@link ShardFencedError}, and a new primary's
 * `takeover` message moves the subject on so a deposed primary that wakes up is refused too.
 *
 * @returns the stream sequence of the stored message.
 * @throws {ShardFencedError} when another publisher moved the subject on.
 */
export async function publishFenced(parameters: {
  js: JetStreamClient
  subject: string
  expectedLastSeq: number
  data: string | Uint8Array
  timeoutMs?: number | undefined
}): Promise<number> {
  const { js, subject, expectedLastSeq } = parameters
  try {
    const ack = await js.publish(subject, parameters.data, {
      expect: { lastSubjectSequence: expectedLastSeq },
      timeout: parameters.timeoutMs ?? 5_000,
    })
    return ack.seq
  } catch (error) {
    if ((error as { code?: unknown })?.code === WRONG_LAST_SEQUENCE)
      throw new ShardFencedError(subject, expectedLastSeq, error)
    throw error
  }
}
