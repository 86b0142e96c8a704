// Stopping rules: asked before each token is picked, the first included, in order; the first to give a reason
// ends the answer with it.
import type { AnswerStats } from '../common/protocol.ts';
import type { ShouldCancel } from '../onnx/cancel.ts';

export type StopReason = AnswerStats['stopReason'];

/** Why to stop after the ids generated so far, or undefined to go on. */
export type StoppingRule = (ids: readonly number[]) => StopReason | undefined;

/** An end token (<|endofchunk|>, EOS) was generated; it is the answer's last id. */
export function endTokens(stop: readonly number[]): StoppingRule {
  return (ids) => (ids.length > 0 && stop.includes(ids.at(-1)!) ? 'end' : undefined);
}

export function maxNewTokens(count: number): StoppingRule {
  return (ids) => (ids.length >= count ? 'length' : undefined);
}

/** The caller cancelled: asked between decoder steps, so a cancel takes effect within one step. */
export function cancellation(shouldCancel: ShouldCancel): StoppingRule {
  return () => (shouldCancel() ? 'cancelled' : undefined);
}

export function stopReason(rules: readonly StoppingRule[], ids: readonly number[]): StopReason | undefined {
  for (const rule of rules) {
    const reason = rule(ids);
    if (reason !== undefined) return reason;
  }
  return undefined;
}
