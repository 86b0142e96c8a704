/**
 * A checkpoint that cannot be read. The message names the file (and tensor) first, says what is
 * wrong and what to do next, so callers can show it as it is.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  readonly file: string;
  readonly tensor?: string;

  constructor(message: string, file: string, tensor?: string) {
    super(tensor === undefined ? `${file}: ${message}` : `${file}, tensor "${tensor}": ${message}`);
    this.file = file;
    if (tensor !== undefined) this.tensor = tensor;
  }
}
