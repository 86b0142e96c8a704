// The line under each answer: who ran it, what the model saw and how fast it went.
import type { AnswerStats } from '../src/common/protocol.ts';
import { ocrContextNote } from '../src/common/stats.ts';

const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

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
  const stop = stats.stopReason === 'length' ? ' (length limit reached)' : stats.stopReason === 'cancelled' ? ' (cancelled)' : '';
  parts.push(`${stats.newTokens} tokens${stop}`);
  const note = ocrContextNote(stats);
  if (note !== undefined) parts.push(note);
  return parts.join(' · ');
}
