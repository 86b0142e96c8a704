// The one-line summary under each answer (CLI and panel): where it ran and how fast.
import type { AnswerStats } from './protocol.ts';

const ms = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value)} ms`);

/** What the model was told of the image's text, last on the line; undefined when OCR context was off. */
export function ocrContextNote(stats: AnswerStats): string | undefined {
  const context = stats.ocrContext;
  if (context === undefined || context.state === 'off') return undefined;
  if (context.state === 'failed') return `Answered without the image's text: OCR failed: ${context.error}`;
  if (context.lines === 0) return 'OCR context: no text found';
  return `OCR context: ${context.keptLines} of ${context.lines} lines, ${context.tokens} tokens`;
}

export function statsLine(stats: AnswerStats): string {
  const providers = [...new Set(Object.values(stats.providers))].join('+');
  const parts = [providers];
  if (stats.grid) {
    const limited = stats.grid.limitedFrom
      ? ` (needed ${stats.grid.limitedFrom.rows}×${stats.grid.limitedFrom.cols})`
      : '';
    parts.push(`grid ${stats.grid.rows}×${stats.grid.cols}${limited}, ${stats.grid.views} views`);
  }
  if (stats.imageMemoryReused) parts.push('image memory reused');
  else if (stats.visionMs !== undefined) parts.push(`vision ${ms(stats.visionMs)}`);
  if (stats.ocrMs !== undefined) parts.push(`OCR ${ms(stats.ocrMs)}`);
  parts.push(`first token ${ms(stats.timeToFirstTokenMs)}`);
  parts.push(`${stats.tokensPerSecond.toFixed(1)} tokens/s (${stats.newTokens} tokens)`);
  parts.push(`peak ${(stats.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
  if (stats.stopReason !== 'end') parts.push(`stopped: ${stats.stopReason}`);
  const note = ocrContextNote(stats);
  if (note !== undefined) parts.push(note);
  return parts.join(' · ');
}
