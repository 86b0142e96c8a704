/** A conversion failure, naming the file (and the tensor) at fault. */
export class ConvertError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly tensor?: string,
  ) {
    super(message);
    this.name = 'ConvertError';
  }
}
