// Turns an encoded image file into 8-bit sRGB pixels, once: every later resize (tiles, thumbnail,
// OCR) works from this raw buffer instead of decoding the file again.
import sharp, { type Metadata } from 'sharp';
import { ImageError } from './error.ts';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGB, 8 bits per channel, row-major (HWC), no padding: width·height·3 bytes. */
  data: Uint8Array;
  /** The file's format as detected from its content: png, jpeg, webp, gif, tiff, avif, heif, svg. */
  format: string;
}

export interface DecodeOptions {
  /** Names the image in error messages. */
  name: string;
  /** Upper bound on width × height, checked against the file's header before any pixel is decoded. */
  maxPixels: number;
}

/** SVGs are drawn so that their longer side has at least this many pixels (three 448-px tiles), so small text stays legible. */
const SVG_MIN_LONG_SIDE = 1344;
/** librsvg's density for an SVG's own width and height (CSS pixels). */
const SVG_BASE_DENSITY = 72;
/** sharp accepts densities in [1, 100000]. */
const MAX_DENSITY = 100_000;

const SUPPORTED = 'PNG, JPEG, WebP, GIF, TIFF, AVIF or SVG';
const RESAVE_HINT = 'Open it in an image viewer to check it, or export it again (for example as PNG) and retry.';

/**
 * Decodes `bytes` to RGB: EXIF orientation applied, transparency flattened onto white, 16-bit,
 * greyscale and CMYK converted to 8-bit sRGB. Multi-frame files (animated GIF or WebP,
 * multi-page TIFF) give their first frame. SVGs are rasterised from memory with no base URL, so
 * librsvg loads no external file or URL they reference (only `data:` URLs and the SVG itself).
 * Throws ImageError for empty, truncated, damaged, unsupported or too large input.
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions): Promise<DecodedImage> {
  const { name, maxPixels } = options;
  if (!Number.isInteger(maxPixels) || maxPixels < 1) {
    // A configuration mistake, not a bad image: sharp would read 0 as "no limit".
    throw new RangeError(`The maximum pixels per image must be a positive integer, got ${maxPixels}.`);
  }
  if (bytes.length === 0) {
    throw new ImageError(
      'bad-image',
      `"${name}" is empty (0 bytes).`,
      'Choose the image again; the file may not have been saved completely.',
    );
  }
  if (isBmp(bytes)) {
    throw new ImageError(
      'bad-image',
      `"${name}" is a BMP image, which is not supported: the bundled image decoder (libvips, through sharp) has no BMP reader.`,
      `Convert it to PNG (any image editor or screenshot tool can) and retry.`,
    );
  }
  const meta = await readHeader(bytes, name);
  const format = formatName(meta);
  const density = format === 'svg' ? svgDensity(meta.width, meta.height, maxPixels) : undefined;
  if (format !== 'svg' && meta.width * meta.height > maxPixels)
    throw tooLarge(name, meta.width, meta.height, maxPixels);

  try {
    const { data, info } = await sharp(bytes, {
      // 'truncated' refuses cut-off files that would otherwise decode with a grey or black tail;
      // the stricter 'warning' would also refuse common benign files (e.g. PNGs with a sloppy ICC profile).
      failOn: 'truncated',
      // A second guard behind the header check above: libvips refuses before allocating.
      limitInputPixels: maxPixels,
      autoOrient: true,
      ...(density === undefined ? {} : { density }),
    })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
    return { width: info.width, height: info.height, data: plainBytes(data), format };
  } catch (error) {
    const detail = messageOf(error);
    if (/pixel limit/i.test(detail)) throw tooLarge(name, meta.width, meta.height, maxPixels);
    throw new ImageError(
      'bad-image',
      `"${name}" looks like a ${format.toUpperCase()} image but could not be decoded (${detail}). The file may be damaged or incomplete, or use a variant of the format this decoder does not read (HEIC, for one).`,
      RESAVE_HINT,
    );
  }
}

/** The header only: sharp reads dimensions and format without decoding pixels. */
async function readHeader(bytes: Uint8Array, name: string): Promise<Metadata & { width: number; height: number }> {
  let meta: Metadata;
  try {
    // No pixel limit here: reading the header allocates nothing, and the check after it gives the clearer message.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageError(
      'bad-image',
      `"${name}" is not an image this extension can read (${messageOf(error)}). Supported formats: ${SUPPORTED}.`,
      `Check that the file is an image; if it is in another format, convert it to PNG and retry.`,
    );
  }
  const { width, height } = meta;
  if (width === undefined || height === undefined || width < 1 || height < 1) {
    throw new ImageError('bad-image', `"${name}" does not state a valid width and height.`, RESAVE_HINT);
  }
  return { ...meta, width, height };
}

function formatName(meta: Metadata): string {
  // libvips reports AVIF as heif; AV1 compression is what distinguishes it.
  if (meta.format === 'heif' && meta.compression === 'av1') return 'avif';
  return meta.format;
}

/**
 * The density at which an SVG of natural size width×height (CSS px) is drawn: enlarged so the
 * longer side reaches SVG_MIN_LONG_SIDE, and never so large that the rounded raster exceeds
 * maxPixels (then shrunk to fit: a vector image has no "too large").
 */
function svgDensity(width: number, height: number, maxPixels: number): number {
  const enlarge = Math.max(1, SVG_MIN_LONG_SIDE / Math.max(width, height));
  // Largest s with (w·s + ½)(h·s + ½) ≤ maxPixels, so rounding each side up still fits.
  const a = width * height;
  const b = (width + height) / 2;
  const c = 0.25 - maxPixels;
  const fit = (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
  return Math.min(MAX_DENSITY, Math.max(1, SVG_BASE_DENSITY * Math.min(enlarge, fit)));
}

/** BMP info-header sizes (core, v1 to v5, OS/2 v2). */
const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/** Recognised so the message can name the format; libvips alone would only say "unsupported image format". */
function isBmp(bytes: Uint8Array): boolean {
  if (bytes.length < 18 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return false;
  return BMP_HEADER_SIZES.has(new DataView(bytes.buffer, bytes.byteOffset, 18).getUint32(14, true));
}

function tooLarge(name: string, width: number, height: number, maxPixels: number): ImageError {
  return new ImageError(
    'image-too-large',
    `"${name}" is ${width}×${height} = ${(width * height).toLocaleString('en-US')} pixels, more than the limit of ${maxPixels.toLocaleString('en-US')} pixels.`,
    'Crop or scale the image down, or raise the maximum pixels per image in the settings.',
  );
}

/** A Uint8Array view of sharp's Buffer, so callers see one plain type (Buffer's own equality and methods differ). */
export function plainBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
