// Image intake reports bad input as data (code, message, next step) rather than a crash, so the
// host can forward it as a RuntimeErrorInfo unchanged.

export type ImageErrorCode = 'bad-image' | 'image-too-large';

export class ImageError extends Error {
  readonly code: ImageErrorCode;
  readonly hint: string;

  constructor(code: ImageErrorCode, message: string, hint: string) {
    super(message);
    this.name = 'ImageError';
    this.code = code;
    this.hint = hint;
  }
}
