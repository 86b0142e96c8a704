// Every failure reaches the user as plain words plus the next step, never as a bare stack trace.
import type { PanelError } from '../common/panel-protocol.ts';
import type { RuntimeErrorInfo } from '../common/protocol.ts';
import { RuntimeRequestError } from '../host/client.ts';

/** A problem with what the user asked for (a file, a link, a setting), already in plain words. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

const SHOW_LOGS = 'Details are in the log: run "InfiMM-HD: Show Logs".';

const RUNTIME_HINTS: Record<RuntimeErrorInfo['code'], string> = {
  'bad-image': 'Check that the file opens in an image viewer, or save it again as PNG.',
  'image-too-large': 'Crop or scale the image down and try again.',
  'model-missing':
    'Choose a model package with "InfiMM-HD: Select Model Folder", or clear infimmHd.modelPath to use the bundled model.',
  'model-invalid':
    'The model package is damaged or was changed: reinstall the extension, or convert the model again and select that folder.',
  'model-incompatible':
    'This model package was made for another version of the extension: convert it again, or clear infimmHd.modelPath.',
  'provider-unavailable': 'Set infimmHd.executionProvider to "auto" or "cpu".',
  'not-enough-memory':
    'Close other programs and try again, or choose a smaller package (an int4 conversion needs about a quarter of the memory of fp16).',
  'host-crashed': `Run "InfiMM-HD: Restart Runtime" and try again. ${SHOW_LOGS}`,
  'not-configured': 'Run "InfiMM-HD: Restart Runtime" and try again.',
  'bad-request': SHOW_LOGS,
  internal: `Try again; if it keeps failing, run "InfiMM-HD: Restart Runtime". ${SHOW_LOGS}`,
};

/** vscode.FileSystemError codes, in words. */
const FILE_ERRORS: Record<string, (name: string) => PanelError> = {
  FileNotFound: (name) => ({
    message: `${name} was not found; it may have been moved or deleted.`,
    hint: 'Pick the file again.',
  }),
  FileIsADirectory: (name) => ({
    message: `${name} is a folder, not an image file.`,
    hint: 'Pick an image file inside it.',
  }),
  NoPermissions: (name) => ({
    message: `${name} cannot be read: permission denied.`,
    hint: 'Check the file permissions.',
  }),
  Unavailable: (name) => ({
    message: `${name} cannot be read right now.`,
    hint: 'Check the connection to the remote workspace and try again.',
  }),
};

function fileErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  return typeof error.code === 'string' && error.code in FILE_ERRORS ? error.code : undefined;
}

/** True when the runtime refused the image itself (damaged, not an image, too large), not the model or the host. */
export function isImageProblem(error: unknown): boolean {
  return (
    error instanceof RuntimeRequestError && (error.info.code === 'bad-image' || error.info.code === 'image-too-large')
  );
}

/** The user-facing description of an error; `subject` names the file or image involved, if any. */
export function describeError(error: unknown, subject?: string): PanelError {
  if (error instanceof UserError)
    return error.hint === undefined ? { message: error.message } : { message: error.message, hint: error.hint };
  if (error instanceof RuntimeRequestError) {
    // The runtime speaks of "the image"; the user needs to know which one.
    const { message } = error.info;
    const aboutImage = isImageProblem(error);
    return {
      message: !aboutImage || subject === undefined || message.includes(subject) ? message : `${subject}: ${message}`,
      hint: error.info.hint ?? RUNTIME_HINTS[error.info.code],
    };
  }
  const code = fileErrorCode(error);
  if (code !== undefined) return FILE_ERRORS[code]!(subject ?? 'The file');
  const message = error instanceof Error ? error.message : String(error);
  return { message: `Something went wrong: ${message}`, hint: SHOW_LOGS };
}
