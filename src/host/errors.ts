// Every failure inside the host becomes a RuntimeErrorInfo: a stable code, plain words and the next step.
import type { RuntimeErrorInfo } from '../common/protocol.ts';
import { ImageError } from '../image/error.ts';
import { CancelledError } from '../onnx/cancel.ts';
import { OcrCancelledError, OcrError } from '../ocr/index.ts';
import { ProviderUnavailableError } from '../onnx/session.ts';
import { PackageError } from '../package/verify.ts';
import { TokenizerError } from '../tokens/errors.ts';

/** An error of the host's own with its info ready to send. */
export class HostError extends Error {
  constructor(readonly info: RuntimeErrorInfo) {
    super(info.message);
    this.name = 'HostError';
  }
}

export function isCancellation(error: unknown): boolean {
  return error instanceof CancelledError || error instanceof OcrCancelledError;
}

export function toErrorInfo(error: unknown): RuntimeErrorInfo {
  if (error instanceof HostError || error instanceof TokenizerError) return error.info;
  if (error instanceof ImageError || error instanceof PackageError || error instanceof OcrError || error instanceof ProviderUnavailableError) {
    return { code: error.code, message: error.message, hint: error.hint };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `The runtime failed: ${message}`, hint: 'Show Logs has the details; Restart Runtime starts it afresh.' };
}
