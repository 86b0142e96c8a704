// OCR failures travel as data (code, message, next step), like the image module's errors, so the
// host can forward them as a RuntimeErrorInfo unchanged.
import { RuntimeFailure } from '../common/errors.ts';
import type { RuntimeErrorInfo } from '../common/protocol.ts';

export type OcrErrorCode = Extract<RuntimeErrorInfo['code'], 'model-missing' | 'model-invalid' | 'bad-request'>;

export class OcrError extends RuntimeFailure<OcrErrorCode> {
  declare readonly hint: string;

  constructor(code: OcrErrorCode, message: string, hint: string) {
    super(code, message, hint);
  }
}
