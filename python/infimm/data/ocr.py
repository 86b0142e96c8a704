"""Simulated OCR: the texts a generator drew (RecordingDraw) turned into the lines an OCR stage returns, in its
blocks and reading order (panes and side bars apart, as the real stage's layout keeps them: src/ocr), with the
error kinds of the real one: neighbouring texts on a row merged into one line, lines split at a space, dropped
words and lines, and character confusions. Training reads its OCR context from here, so that the model learns to
use OCR lines without trusting them blindly."""
from __future__ import annotations

import random
from collections.abc import Sequence

from ..ocr_context import Box

# A text a generator drew: (text, box), or (text, box, line number) for a code row beside an editor's gutter.
Text = tuple

# Pairs a text recognizer confuses on screen fonts, both ways.
CONFUSIONS = [("l", "1"), ("l", "I"), ("1", "I"), ("O", "0"), ("o", "0"), ("S", "5"), ("B", "8"), ("rn", "m"),
              ("cl", "d"), ("e", "c"), (".", ","), (":", ";"), ("-", "_")]


# Empty bands that separate blocks, in median text heights: a column gap (a side bar beside an editor, two
# editors) and a row gap (a title bar, a terminal panel, a status bar; wider than a blank line of code).
COLUMN_GAP = 2.0
ROW_GAP = 1.5


def _widest_gap(spans: list[tuple[float, float]]) -> tuple[float, float]:
    """The widest empty interval between the union of `spans` (start, end): (its width, its middle); (0, 0) if none."""
    best, middle, reach = 0.0, 0.0, None
    for start, end in sorted(spans):
        if reach is not None and start - reach > best:
            best, middle = start - reach, (start + reach) / 2
        reach = end if reach is None else max(reach, end)
    return best, middle


def _cut(boxes: list[Box], indices: list[int], height: float) -> list[list[int]]:
    """Recursive XY cut: split at the widest empty column or row band (the one widest relative to its threshold),
    columns left to right and rows top to bottom, until no band is wide enough."""
    column, x = _widest_gap([(boxes[i][0], boxes[i][2]) for i in indices])
    row, y = _widest_gap([(boxes[i][1], boxes[i][3]) for i in indices])
    by_column = column / COLUMN_GAP >= row / ROW_GAP
    if (column if by_column else row) < (COLUMN_GAP if by_column else ROW_GAP) * height:
        return [indices]
    edge, at = (0, x) if by_column else (1, y)
    before = [i for i in indices if boxes[i][edge] < at]
    return _cut(boxes, before, height) + _cut(boxes, [i for i in indices if boxes[i][edge] >= at], height)


def blocks(texts: list[Text], regions: Sequence[Box] = ()) -> list[list[Text]]:
    """Texts grouped into blocks in reading order: the texts of each of the `regions` (a text is in the first one
    holding its centre), then the rest, each cut apart by empty bands wider than the thresholds above."""
    if not texts:
        return []
    boxes = [t[1] for t in texts]
    heights = sorted(box[3] - box[1] for box in boxes)
    height = heights[len(heights) // 2]

    def region_of(box: Box) -> int:
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return next((r for r, (left, top, right, bottom) in enumerate(regions)
                     if left <= x < right and top <= y < bottom), len(regions))

    places = [region_of(box) for box in boxes]
    groups = [[i for i in range(len(texts)) if places[i] == r] for r in range(len(regions) + 1)]
    return [[texts[i] for i in block] for group in groups if group for block in _cut(boxes, group, height)]


def reading_lines(texts: list[Text], regions: Sequence[Box] = ()) -> list[tuple[str, Box, int, int | None]]:
    """A perfect reader's lines: (text, box, block, line number or None), blocks in reading order, each block's
    rows top down, texts on a row closer than their height joined (a joined line keeps its first text's number)."""
    return [(text, box, b, number) for b, block in enumerate(blocks(texts, regions))
            for row in rows(block) for text, box, number in merge_close(row)]


def rows(texts: list[Text]) -> list[list[Text]]:
    """Texts grouped into rows (vertical centres closer than half the taller one), each row left to right,
    rows top to bottom: the reading order of a single-column screen."""
    grouped: list[list[Text]] = []
    for text in sorted(texts, key=lambda t: (t[1][1] + t[1][3]) / 2):
        box = text[1]
        centre, tall = (box[1] + box[3]) / 2, box[3] - box[1]
        row = grouped[-1] if grouped else None
        if row and abs(centre - (row[-1][1][1] + row[-1][1][3]) / 2) < max(tall, row[-1][1][3] - row[-1][1][1]) / 2:
            row.append(text)
        else:
            grouped.append([text])
    return [sorted(row, key=lambda t: t[1][0]) for row in grouped]


def merge_close(row: list[Text]) -> list[tuple[str, Box, int | None]]:
    """Texts on a row closer than their height join into one line, as text detection joins them: (text, box,
    the first text's line number or None)."""
    lines = []
    for text, box, *number in row:
        if lines and box[0] - lines[-1][1][2] < max(box[3] - box[1], lines[-1][1][3] - lines[-1][1][1]):
            last, last_box, last_number = lines[-1]
            lines[-1] = (f"{last} {text}", (last_box[0], min(last_box[1], box[1]), box[2], max(last_box[3], box[3])), last_number)
        else:
            lines.append((text, box, number[0] if number else None))
    return lines


def confuse(text: str, rng: random.Random, rate: float) -> str:
    out, i = [], 0
    while i < len(text):
        if rng.random() < rate:
            for a, b in rng.sample(CONFUSIONS, len(CONFUSIONS)):
                src, dst = (a, b) if rng.random() < 0.5 else (b, a)
                if text.startswith(src, i):
                    out.append(dst)
                    i += len(src)
                    break
            else:
                out.append(text[i])
                i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def simulate(texts: list[Text], rng: random.Random, noise: float = 1.0,
             regions: Sequence[Box] = ()) -> list[tuple[str, Box, int, int | None]]:
    """OCR lines (text, box, block, line number or None) in reading order (`reading_lines`). `noise` scales every
    error rate (0: a perfect reader). A split line's number stays with its first piece, as the real stage reports
    the gutter's number beside the row's first box."""
    lines = []
    for text, box, block, number in reading_lines(texts, regions):
        if rng.random() < 0.04 * noise:
            continue  # a line the detector missed
        words = text.split()
        if len(words) > 1 and rng.random() < 0.06 * noise:
            words.pop(rng.randrange(len(words)))  # a word lost
        if len(words) > 1 and rng.random() < 0.05 * noise:
            cut = rng.randrange(1, len(words))  # a line split in two at a wide space
            middle = box[0] + (box[2] - box[0]) * cut / len(words)
            lines.append((confuse(" ".join(words[:cut]), rng, 0.02 * noise), (box[0], box[1], middle, box[3]), block, number))
            lines.append((confuse(" ".join(words[cut:]), rng, 0.02 * noise), (middle, box[1], box[2], box[3]), block, None))
            continue
        lines.append((confuse(" ".join(words), rng, 0.02 * noise), box, block, number))
    return lines
