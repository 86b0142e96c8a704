// Prepares the image the panel shows for its first question (its image memory and OCR reading, in the runtime),
// so the answer starts without waiting for them. Only the image shown is prepared; a failure stays in the log,
// since the question meets it again and reports it.
import { CancelledError } from '../common/errors.ts';
import type { ImageInput, RequestOf, ResultOf } from '../common/protocol.ts';

type Send = (request: RequestOf<'prepare'>, signal: AbortSignal) => Promise<ResultOf<'prepare'>>;

export class Preparer {
  private current?: AbortController;

  constructor(
    private readonly send: Send,
    private readonly log: (line: string) => void,
  ) {}

  /** Prepares `image` in place of the image prepared before; settles when done, cancelled or failed. */
  async prepare(image: ImageInput): Promise<void> {
    this.cancel();
    const abort = new AbortController();
    this.current = abort;
    try {
      const result = await this.send({ kind: 'prepare', image }, abort.signal);
      this.log(`prepare: ${image.name} ready${result.ocr ? ', with its OCR context' : ''}`);
    } catch (error) {
      if (error instanceof CancelledError || abort.signal.aborted) this.log(`prepare: ${image.name} cancelled`);
      else
        this.log(
          `prepare: ${image.name} failed (the question will say why): ${error instanceof Error ? error.message : String(error)}`,
        );
    } finally {
      if (this.current === abort) this.current = undefined;
    }
  }

  /** Another image is shown: its predecessor's preparation is of no use. */
  cancel(): void {
    this.current?.abort();
    this.current = undefined;
  }
}
