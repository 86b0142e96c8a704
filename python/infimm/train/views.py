"""Image views for training and evaluation, made the way the runtime makes them (docs/architecture.md):
the grid rule with the runtime's tile budget, a bicubic squash, the thumbnail first, then tiles row-major,
CLIP mean/std."""
from __future__ import annotations

import math

import numpy as np
import torch
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def tiles_along(length: int, tile: int) -> int:
    """max(1, floor(length/tile + 1/2)) in integers, as src/tiles/plan.ts."""
    return max(1, (2 * length + tile) // (2 * tile))


def plan_grid(width: int, height: int, tile: int, max_tiles: int) -> tuple[int, int]:
    """(rows, cols); past the budget, the grid of at most max_tiles tiles whose aspect is closest on a log
    scale, more tiles winning a tie (src/tiles/plan.ts)."""
    rows, cols = tiles_along(height, tile), tiles_along(width, tile)
    if rows * cols <= max_tiles:
        return rows, cols
    target = math.log(width / height)
    best = (abs(target), 1, 1)
    for r in range(1, max_tiles + 1):
        for c in range(1, max_tiles // r + 1):
            distance = abs(math.log(c / r) - target)
            if distance < best[0] or (distance == best[0] and r * c > best[1] * best[2]):
                best = (distance, r, c)
    return best[1], best[2]


def normalise(image: Image.Image) -> torch.Tensor:
    x = (np.asarray(image, dtype=np.float32) / 255.0 - MEAN) / STD
    return torch.from_numpy(x.transpose(2, 0, 1).copy())


def as_bytes(image: Image.Image) -> torch.Tensor:
    """The view's pixels unnormalised, uint8 [3, S, S]: a quarter of the bytes to move from a DataLoader worker
    to the GPU, where normalise_pixels finishes the job."""
    return torch.from_numpy(np.asarray(image, dtype=np.uint8).transpose(2, 0, 1).copy())


def normalise_pixels(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 [..., 3, S, S] (from as_bytes) → float32 with CLIP mean/std, on the tensor's device: the same float32
    operations as normalise, so the same values."""
    mean = torch.from_numpy(MEAN).to(pixels.device)[:, None, None]
    std = torch.from_numpy(STD).to(pixels.device)[:, None, None]
    return (pixels.to(torch.float32) / 255.0 - mean) / std


def make_views(image: Image.Image, tile: int, mode: str = "dynamic", max_tiles: int = 16, raw: bool = False):
    """(pixels [V, 3, tile, tile], rows, cols). Modes: "thumbnail" (one view, no tiles: rows = cols = 0),
    "single" (a 1×1 grid: thumbnail + one tile), "dynamic" (the runtime's grid). `raw`: uint8 pixels for
    normalise_pixels instead of normalised float32."""
    convert = as_bytes if raw else normalise
    image = image.convert("RGB")
    thumbnail = convert(image.resize((tile, tile), Image.BICUBIC))
    if mode == "thumbnail":
        return thumbnail[None], 0, 0
    rows, cols = (1, 1) if mode == "single" else plan_grid(image.width, image.height, tile, max_tiles)
    squashed = image.resize((cols * tile, rows * tile), Image.BICUBIC)
    views = [thumbnail]
    for i in range(rows):
        for j in range(cols):
            views.append(convert(squashed.crop((j * tile, i * tile, (j + 1) * tile, (i + 1) * tile))))
    return torch.stack(views), rows, cols
