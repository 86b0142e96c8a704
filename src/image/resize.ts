// The one resize the tiler needs, kept here so that src/image stays the only importer of sharp.
import sharp from 'sharp';
import { plainBytes, type DecodedImage } from './decode.ts';

/**
 * Squashes `image` to exactly width×height with libvips' bicubic (Catmull-Rom) kernel, which
 * widens with the reduction when shrinking (anti-aliased, like PIL's bicubic resize). Shrinking
 * samples pixel centres exactly; enlarging (libvips' affine path) lands content half an output
 * pixel right/down of the centre-aligned position. Returns RGB HWC bytes; at the image's own size
 * it returns `image.data` itself, untouched.
 */
export async function resizeRgb(image: DecodedImage, width: number, height: number): Promise<Uint8Array> {
  if (width === image.width && height === image.height) return image.data;
  const resized = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
    // The pixel limit was enforced when the file was decoded.
    limitInputPixels: false,
  })
    .resize(width, height, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
  return plainBytes(resized);
}
