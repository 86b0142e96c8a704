// OCR failures travel as data (code, message, next step), like the image module's errors, so the
// host can forward them as a RuntimeErrorInfo unchanged.
import { RuntimeFailure } from '../common/errors.ts';
import { CancelledError } from '../onnx/cancel.ts';
import type { RuntimeErrorInfo } from '../common/protocol.ts';

export type OcrErrorCode = Extract<RuntimeErrorInfo['code'], 'model-missing' | 'model-invalid' | 'bad-request'>;

export class OcrError extends RuntimeFailure<OcrErrorCode> {
  declare readonly hint: string;

  constructor(code: OcrErrorCode, message: string, hint: string) {
    super(code, message, hint);
  }
}

/** Thrown by `OcrEngine.recognize` when its `shouldCancel` answered true between two model runs. */
export class OcrCancelledError extends CancelledError {
  override readonly message = 'OCR was cancelled.';
}
