"""A pool of training images read by the runtime's own OCR stage, so that training also sees real OCR lines:
their reading order (by blocks and columns), their merges and their misreadings.

    python3 -m infimm.data.real_ocr --out DIR [--per-family N]
        writes DIR/<family>-<seed>.png (training seeds far from those the run draws), then
    npm run -s ocr -- DIR/*.png --json > DIR/ocr.jsonl
        reads them; pipeline.py --ocr-pool DIR mixes them into training with their real OCR context.
"""
from __future__ import annotations

import argparse
import json
import os

from . import FAMILIES, Sample, sample

POOL_SEEDS = 1_000_000  # the pool's seeds start here: a run of millions of samples never draws them otherwise


def write_pool(out: str, per_family: int) -> None:
    os.makedirs(out, exist_ok=True)
    for family in FAMILIES:
        for seed in range(POOL_SEEDS, POOL_SEEDS + per_family):
            sample(family, seed).image.save(os.path.join(out, f"{family}-{seed}.png"))


def read_ocr_lines(path: str) -> dict[str, list]:
    """`npm run ocr -- … --json` output: each image's file name → its lines as (text, (left, top, right, bottom),
    block, line number or None)."""
    lines: dict[str, list] = {}
    with open(path) as f:
        for row in map(json.loads, f):
            xs, ys = [p[0] for p in row["box"]], [p[1] for p in row["box"]]
            lines.setdefault(os.path.basename(row["image"]), []).append(
                (row["text"], (min(xs), min(ys), max(xs), max(ys)), row.get("block"), row.get("lineNumber")))
    return lines


def load_pool(folder: str) -> list[tuple[str, int, list]]:
    """(family, seed, OCR lines as (text, (left, top, right, bottom))) for every image the OCR read; an image
    without any line read is kept, with no lines."""
    lines = read_ocr_lines(os.path.join(folder, "ocr.jsonl"))
    pool = []
    for name in sorted(n for n in os.listdir(folder) if n.endswith(".png")):
        family, seed = name[:-4].rsplit("-", 1)
        pool.append((family, int(seed), lines.get(name, [])))
    return pool


def pool_sample(entry: tuple[str, int, list]) -> Sample:
    family, seed, lines = entry
    s = sample(family, seed)
    s.ocr = lines
    return s


def main() -> None:
    parser = argparse.ArgumentParser(prog="infimm.data.real_ocr")
    parser.add_argument("--out", required=True)
    parser.add_argument("--per-family", type=int, default=100)
    args = parser.parse_args()
    write_pool(args.out, args.per_family)


if __name__ == "__main__":
    main()
