// Flat synthetic screens for the OCR layout tests: a background with rectangles painted on it.
import type { DecodedImage } from '../../src/image/decode.ts';
import type { Bounds } from '../../src/ocr/geometry.ts';

export type Rgb = [number, number, number];

/** A flat screen with rectangles painted on it, later ones over earlier ones: panes, borders, bands, glyphs. */
export function paintScreen(width: number, height: number, background: Rgb, rects: Array<[Bounds, Rgb]>): DecodedImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour =
        [...rects].reverse().find(([r]) => x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1)?.[1] ?? background;
      data.set(colour, (y * width + x) * 3);
    }
  }
  return { width, height, data, format: 'png' };
}
