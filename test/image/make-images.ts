// Builds test images in memory with sharp itself, plus the two files sharp cannot write: a
// 16-bit TIFF and a PNG whose header claims more pixels than its data holds.
import sharp, { type Sharp } from 'sharp';
import { crc32, deflateSync } from 'node:zlib';

export type Rgb = readonly [number, number, number];

/** width×height RGB bytes, HWC, each pixel from `colour(x, y)`. */
export function rgbPixels(width: number, height: number, colour: (x: number, y: number) => Rgb): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colour(x, y), (y * width + x) * 3);
  }
  return data;
}

export function rawRgb(data: Uint8Array, width: number, height: number): Sharp {
  return sharp(data, { raw: { width, height, channels: 3 } });
}

export function solid(width: number, height: number, colour: Rgb): Sharp {
  return sharp({ create: { width, height, channels: 3, background: { r: colour[0], g: colour[1], b: colour[2] } } });
}

/** The pixel at (x, y) of an RGB HWC buffer. */
export function pixelAt(data: Uint8Array, width: number, x: number, y: number): number[] {
  const at = (y * width + x) * 3;
  return Array.from(data.subarray(at, at + 3));
}

/** Uncompressed little-endian RGB TIFF with 16 bits per sample (sharp writes TIFF only at 8 bits). */
export function tiff16(width: number, height: number, samples: Uint16Array): Uint8Array {
  const entries: [tag: number, type: number, count: number, value: number][] = [];
  const ifdAt = 8;
  const ifdSize = 2 + 10 * 12 + 4;
  const bitsAt = ifdAt + ifdSize;
  const pixelsAt = bitsAt + 6;
  const SHORT = 3;
  const LONG = 4;
  entries.push(
    [256, LONG, 1, width],
    [257, LONG, 1, height],
    [258, SHORT, 3, bitsAt], // BitsPerSample: three values, stored after the IFD
    [259, SHORT, 1, 1], // no compression
    [262, SHORT, 1, 2], // RGB
    [273, LONG, 1, pixelsAt],
    [277, SHORT, 1, 3],
    [278, LONG, 1, height],
    [279, LONG, 1, samples.length * 2],
    [284, SHORT, 1, 1], // interleaved
  );
  const file = new DataView(new ArrayBuffer(pixelsAt + samples.length * 2));
  file.setUint16(0, 0x4949);
  file.setUint16(2, 42, true);
  file.setUint32(4, ifdAt, true);
  file.setUint16(ifdAt, entries.length, true);
  entries.forEach(([tag, type, count, value], n) => {
    const at = ifdAt + 2 + n * 12;
    file.setUint16(at, tag, true);
    file.setUint16(at + 2, type, true);
    file.setUint32(at + 4, count, true);
    if (type === SHORT && count === 1) file.setUint16(at + 8, value, true);
    else file.setUint32(at + 8, value, true);
  });
  for (let c = 0; c < 3; c++) file.setUint16(bitsAt + 2 * c, 16, true);
  samples.forEach((v, n) => file.setUint16(pixelsAt + 2 * n, v, true));
  return new Uint8Array(file.buffer);
}

/** A valid PNG header for width×height RGB followed by one small IDAT: a decompression bomb's shape. */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = new DataView(new ArrayBuffer(13));
  ihdr.setUint32(0, width);
  ihdr.setUint32(4, height);
  ihdr.setUint8(8, 8); // bit depth
  ihdr.setUint8(9, 2); // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', new Uint8Array(ihdr.buffer)),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function chunk(type: string, body: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}
