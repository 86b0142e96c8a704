// Image memories kept for follow-up questions and for the same image asked about again: least recently used
// first out, bounded by bytes (an image memory of the released model is ~0.3 GB in bf16 for a 3×3 grid).
import type { TileGrid } from '../common/protocol.ts';
import type { ImageMemory } from '../memory/memory.ts';

export interface CachedImage {
  memory: ImageMemory;
  grid: TileGrid;
  width: number;
  height: number;
}

export class ImageCache {
  private readonly entries = new Map<string, CachedImage>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  get(key: string): CachedImage | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recent last
    }
    return hit;
  }

  set(key: string, value: CachedImage): void {
    this.delete(key);
    this.entries.set(key, value);
    this.bytes += value.memory.bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.budgetBytes || oldest === key) break;
      this.entries.delete(oldest);
      this.bytes -= entry.memory.bytes;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.bytes -= entry.memory.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
