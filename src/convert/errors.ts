import type { ConvertFailure } from '../common/conversion.ts';

/** A conversion failure, naming the file (and the tensor) at fault, and whether the checkpoint, the output or its disk is to blame. */
export class ConvertError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly tensor?: string,
    readonly failure: ConvertFailure = 'checkpoint',
  ) {
    super(message);
    this.name = 'ConvertError';
  }
}
