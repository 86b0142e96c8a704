// The line under each answer: who ran it, what the model saw and how fast it went, in short and in full.
import type { AnswerStats } from '../src/common/protocol.ts';
import { ocrContextNote } from '../src/common/stats.ts';

const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

/**
 * The few words under an answer: how long it took and where it ran, plus what the user must know
 * (a cut-off answer, an answer without the image's text); formatStats has the rest, on demand.
 */
export function compactStats(stats: AnswerStats): string {
  const generatingMs = stats.tokensPerSecond > 0 ? (stats.newTokens / stats.tokensPerSecond) * 1000 : 0;
  const parts = [
    `${((stats.timeToFirstTokenMs + generatingMs) / 1000).toFixed(1)} s`,
    [...new Set(Object.values(stats.providers))].join(' + '),
  ];
  if (stats.stopReason === 'length') parts.push('length limit reached');
  if (stats.stopReason === 'cancelled') parts.push('cancelled');
  if (stats.ocrContext?.state === 'failed') parts.push("without the image's text (OCR failed)");
  return parts.filter((part) => part !== '').join(' · ');
}

export function formatStats(stats: AnswerStats): string {
  const parts: string[] = [];
  const providers = [...new Set(Object.values(stats.providers))];
  if (providers.length > 0) parts.push(providers.join(' + '));
  if (stats.grid !== undefined) parts.push(`grid ${stats.grid.rows}×${stats.grid.cols}, ${stats.grid.views} views`);
  if (stats.imageMemoryReused === true) parts.push('image memory reused');
  else if (stats.visionMs !== undefined) parts.push(`vision ${ms(stats.visionMs)}`);
  if (stats.ocrMs !== undefined) parts.push(`OCR ${ms(stats.ocrMs)}`);
  parts.push(`first token ${ms(stats.timeToFirstTokenMs)}`);
  parts.push(`${stats.tokensPerSecond.toFixed(1)} tokens/s`);
  const stop =
    stats.stopReason === 'length' ? ' (length limit reached)' : stats.stopReason === 'cancelled' ? ' (cancelled)' : '';
  parts.push(`${stats.newTokens} tokens${stop}`);
  const note = ocrContextNote(stats);
  if (note !== undefined) parts.push(note);
  return parts.join(' · ');
}
