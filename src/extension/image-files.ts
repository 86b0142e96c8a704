// Which files count as images, and the data: URLs images travel in between extension and panel.
import mime from 'mime/lite';

/**
 * The formats the runtime decodes (draw.io exports are .drawio.svg / .drawio.png, so they are covered).
 * No BMP: sharp's libvips has no BMP reader, and every screenshot tool writes PNG.
 */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp', 'tiff', 'tif', 'svg'] as const;
const IMAGE_MIME_TYPES = new Set(IMAGE_EXTENSIONS.map((ext) => mime.getType(ext)));

export function isImageMimeType(mimeType: string): boolean {
  return IMAGE_MIME_TYPES.has(mimeType);
}

/** Files larger than this are refused before reading: they would stall the panel and exceed the pixel limit anyway. */
export const MAX_IMAGE_BYTES = 100 * 1024 * 1024;

export type ImageKind = { ok: true; mimeType: string } | { ok: false; message: string };

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** Decides by name; the runtime checks the content itself and reports a file that lies about its type. */
export function imageKind(path: string): ImageKind {
  const name = baseName(path);
  if (/\.(drawio|dio)$/i.test(name)) {
    return {
      ok: false,
      message: `${name} is a draw.io source file, not an image. Export the diagram as .drawio.svg or .drawio.png (File › Export as, keeping "Include a copy of my diagram") and ask about that file.`,
    };
  }
  const mimeType = mime.getType(name);
  if (mimeType === null || !isImageMimeType(mimeType)) {
    return { ok: false, message: `${name} is not an image file. Supported: ${IMAGE_EXTENSIONS.join(', ')}.` };
  }
  return { ok: true, mimeType };
}

export function checkImageSize(name: string, bytes: number): string | undefined {
  if (bytes === 0) return `${name} is empty (0 bytes). Save the image again and retry.`;
  if (bytes > MAX_IMAGE_BYTES) {
    return `${name} is ${(bytes / 1024 / 1024).toFixed(0)} MB; images up to ${MAX_IMAGE_BYTES / 1024 / 1024} MB are accepted. Scale it down or crop it first.`;
  }
  return undefined;
}

export function toDataUrl(bytes: Uint8Array, mimeType: string): string {
  return `data:${mimeType};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/** Decodes a base64 data: URL of an image; undefined for anything else. */
export function fromDataUrl(dataUrl: string): { mimeType: string; bytes: Uint8Array } | undefined {
  const match = /^data:(image\/[\w.+-]+);base64,([A-Za-z0-9+/=\s]*)$/i.exec(dataUrl);
  if (match === null) return undefined;
  const [, mimeType = '', payload = ''] = match;
  return { mimeType: mimeType.toLowerCase(), bytes: new Uint8Array(Buffer.from(payload, 'base64')) };
}
