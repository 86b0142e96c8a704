// How `npm run convert` shows its progress: one line rewritten in place on a terminal, a plain line every few
// seconds in a log, or every event as a JSON line for a program (the extension) to read.
import { progressSummary, type ConvertEvent, type ConvertProgress } from '../common/conversion.ts';

export type ProgressMode = 'tty' | 'lines' | 'json';

/** How often each mode shows progress: a terminal redraws often, a log file gets a line now and then. */
const INTERVAL_MS: Record<ProgressMode, number> = { tty: 200, lines: 5000, json: 250 };

export class ProgressOutput {
  private lastShown = 0;
  private lineOpen = false;

  constructor(
    private readonly mode: ProgressMode,
    private readonly write: (text: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A progress report, shown when the last one is old enough; start, done and error always. */
  event(event: ConvertEvent): void {
    if (event.type === 'progress') {
      if (this.now() - this.lastShown < INTERVAL_MS[this.mode]) return;
      this.lastShown = this.now();
    }
    if (this.mode === 'json') return this.write(`${JSON.stringify(event)}\n`);
    if (event.type === 'progress') return this.progress(event);
    if (event.type === 'start')
      return this.line(
        `converting on ${event.threads} thread(s); the package will take about ${(event.estimatedBytes / 1e9).toFixed(2)} GB`,
      );
  }

  /** A line of text (a log line or the summary), kept clear of the line being rewritten. */
  line(text: string): void {
    if (this.mode === 'json') return;
    this.endLine();
    this.write(`${text}\n`);
  }

  /** Leaves the rewritten line where it is, before an error goes to stderr. */
  endLine(): void {
    if (!this.lineOpen) return;
    this.write('\n');
    this.lineOpen = false;
  }

  private progress(p: ConvertProgress): void {
    const text = `${progressSummary(p)}  ${p.tensor}`;
    if (this.mode === 'lines') return this.write(`${text}\n`);
    // \r back to the line's start, then erase what a longer line left behind.
    this.write(`\r${text}\x1b[K`);
    this.lineOpen = true;
  }
}
