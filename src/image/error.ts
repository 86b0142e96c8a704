// Image intake reports bad input as data (code, message, next step) rather than a crash, so the
// host can forward it as a RuntimeErrorInfo unchanged.

import { RuntimeFailure } from '../common/errors.ts';

export type ImageErrorCode = 'bad-image' | 'image-too-large';

export class ImageError extends RuntimeFailure<ImageErrorCode> {
  declare readonly hint: string;

  constructor(code: ImageErrorCode, message: string, hint: string) {
    super(code, message, hint);
  }
}
