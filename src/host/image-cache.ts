// What the host keeps per image, least recently used first out: image memories for follow-up questions and for
// the same image asked about again, bounded by bytes (an image memory of the released model is ~0.3 GB in bf16
// for a 3×3 grid), and OCR results, bounded by count.
import type { TileGrid } from '../common/protocol.ts';
import type { ImageMemory } from '../memory/memory.ts';

export interface CachedImage {
  memory: ImageMemory;
  grid: TileGrid;
  width: number;
  height: number;
}

/** Least recently used entries leave first once the entries' total weight passes the budget. */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();
  private total = 0;

  constructor(
    private readonly budget: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recent last
    }
    return hit;
  }

  set(key: string, value: V): void {
    this.delete(key);
    this.entries.set(key, value);
    this.total += this.weigh(value);
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.budget || oldest === key) break;
      this.entries.delete(oldest);
      this.total -= this.weigh(entry);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.total -= this.weigh(entry);
    }
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

export class ImageCache extends LruCache<CachedImage> {
  constructor(budgetBytes: number) {
    super(budgetBytes, (image) => image.memory.bytes);
  }
}
