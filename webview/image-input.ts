// Paste and drag-and-drop, handled in the webview so they work wherever the panel runs (Remote-SSH,
// WSL, containers): the bytes travel to the extension in a message, no shared disk needed.
import { IMAGE_FORMATS_IN_WORDS } from '../src/common/panel-protocol.ts';

export type PickedInput =
  | { kind: 'image'; file: File; name: string }
  /** Files dragged from VS Code's Explorer (hold Shift) arrive as URIs, not bytes. */
  | { kind: 'uris'; uris: string[] }
  | { kind: 'rejected'; message: string }
  /** Plain text pasted where text belongs (the question box): not ours to handle. */
  | { kind: 'text' };

const URI_LIST_TYPES = ['application/vnd.code.uri-list', 'text/uri-list'];

function uris(data: DataTransfer): string[] {
  for (const type of URI_LIST_TYPES) {
    const list = data
      .getData(type)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    if (list.length > 0) return list;
  }
  return [];
}

export function pickInput(data: DataTransfer | null, action: 'paste' | 'drop'): PickedInput {
  const files = data === null ? [] : [...data.files];
  const image = files.find((file) => file.type.startsWith('image/'));
  if (image !== undefined) {
    // Clipboard images are all called "image.png"; say where it came from instead.
    const name =
      action === 'paste' && (image.name === '' || image.name === 'image.png')
        ? 'pasted image'
        : image.name || 'dropped image';
    return { kind: 'image', file: image, name };
  }
  if (files.length > 0) {
    const file = files[0]!;
    return {
      kind: 'rejected',
      message: `${file.name || `The ${action === 'paste' ? 'pasted' : 'dropped'} file`} is not an image (${file.type || 'unknown type'}). Use a ${IMAGE_FORMATS_IN_WORDS} image.`,
    };
  }
  if (data !== null && action === 'drop') {
    const list = uris(data);
    if (list.length > 0) return { kind: 'uris', uris: list };
  }
  if (data !== null && data.types.includes('text/plain')) {
    return action === 'paste'
      ? { kind: 'text' }
      : {
          kind: 'rejected',
          message:
            'Text was dropped, not an image. Drop an image file, or hold Shift while dragging a file from the Explorer.',
        };
  }
  return {
    kind: 'rejected',
    message: `Nothing usable was ${action === 'paste' ? 'pasted' : 'dropped'}: the ${action === 'paste' ? 'clipboard' : 'drop'} held no image.`,
  };
}

export function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () =>
      typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error('the image could not be read'));
    reader.onerror = () => reject(reader.error ?? new Error('the image could not be read'));
    reader.readAsDataURL(file);
  });
}
