// What `npm run convert -- --json` prints, one JSON object a line, and how a progress report reads in words:
// the CLI's progress line and the extension's notification both come from here.

export interface ConvertProgress {
  /** The checkpoint tensor being read (its canonical name). */
  tensor: string;
  /** Checkpoint bytes read so far, and in all. */
  bytesDone: number;
  bytesTotal: number;
  /** Since the conversion began reading tensors. */
  elapsedMs: number;
}

/** Why a conversion failed, for a caller that chooses its own words: the checkpoint, the output folder or its disk. */
export type ConvertFailure = 'checkpoint' | 'output' | 'no-space';

export type ConvertEvent =
  /** Once the checkpoint is checked and before anything is written; `partial` is the folder being written. */
  | { type: 'start'; partial: string; estimatedBytes: number; freeBytes: number; threads: number }
  | ({ type: 'progress' } & ConvertProgress)
  | { type: 'done'; outDir: string; bytes: number; seconds: number }
  | { type: 'error'; failure: ConvertFailure; message: string };

export interface ProgressFigures {
  fraction: number;
  /** Read throughput so far; undefined until a moment has passed. */
  mbPerSecond?: number;
  /** At the throughput so far; undefined until it is known. */
  etaSeconds?: number;
}

export function progressFigures(p: ConvertProgress): ProgressFigures {
  const fraction = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
  if (p.elapsedMs < 500 || p.bytesDone === 0) return { fraction };
  const bytesPerMs = p.bytesDone / p.elapsedMs;
  return {
    fraction,
    mbPerSecond: bytesPerMs / 1e3,
    etaSeconds: Math.max(0, p.bytesTotal - p.bytesDone) / bytesPerMs / 1e3,
  };
}

/** 0:42, 12:05, 1:02:03 */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const parts = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  const [, m, sec] = parts.map((n) => String(n).padStart(2, '0'));
  return s >= 3600 ? `${parts[0]}:${m}:${sec}` : `${parts[1]}:${sec}`;
}

/** 512 MB, 2.15 GB: the decimal units disk sizes are sold in. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1e3)} kB`;
}

/** "1.23 GB / 2.15 GB (57%), 48 MB/s, 0:19 left" */
export function progressSummary(p: ConvertProgress): string {
  const { fraction, mbPerSecond, etaSeconds } = progressFigures(p);
  const parts = [`${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)} (${Math.floor(fraction * 100)}%)`];
  if (mbPerSecond !== undefined) parts.push(`${mbPerSecond.toFixed(0)} MB/s`);
  if (etaSeconds !== undefined) parts.push(`${formatDuration(etaSeconds)} left`);
  return parts.join(', ');
}
