"""Simulated OCR: the texts a generator drew (RecordingDraw) turned into the lines an OCR stage returns, with the
error kinds of the real one (src/ocr): neighbouring texts on a row merged into one line, lines split at a
space, dropped words and lines, and character confusions. Training reads its OCR context from here, so that
the model learns to use OCR lines without trusting them blindly."""
from __future__ import annotations

import random

from ..ocr_context import Box

# Pairs a text recognizer confuses on screen fonts, both ways.
CONFUSIONS = [("l", "1"), ("l", "I"), ("1", "I"), ("O", "0"), ("o", "0"), ("S", "5"), ("B", "8"), ("rn", "m"),
              ("cl", "d"), ("e", "c"), (".", ","), (":", ";"), ("-", "_")]


def rows(texts: list[tuple[str, Box]]) -> list[list[tuple[str, Box]]]:
    """Texts grouped into rows (vertical centres closer than half the taller one), each row left to right,
    rows top to bottom: the reading order of a single-column screen."""
    grouped: list[list[tuple[str, Box]]] = []
    for text, box in sorted(texts, key=lambda t: (t[1][1] + t[1][3]) / 2):
        centre, tall = (box[1] + box[3]) / 2, box[3] - box[1]
        row = grouped[-1] if grouped else None
        if row and abs(centre - (row[-1][1][1] + row[-1][1][3]) / 2) < max(tall, row[-1][1][3] - row[-1][1][1]) / 2:
            row.append((text, box))
        else:
            grouped.append([(text, box)])
    return [sorted(row, key=lambda t: t[1][0]) for row in grouped]


def merge_close(row: list[tuple[str, Box]]) -> list[tuple[str, Box]]:
    """Texts on a row closer than their height join into one line, as text detection joins them."""
    lines = [row[0]]
    for text, box in row[1:]:
        last, last_box = lines[-1]
        if box[0] - last_box[2] < max(box[3] - box[1], last_box[3] - last_box[1]):
            lines[-1] = (f"{last} {text}", (last_box[0], min(last_box[1], box[1]), box[2], max(last_box[3], box[3])))
        else:
            lines.append((text, box))
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


def simulate(texts: list[tuple[str, Box]], rng: random.Random, noise: float = 1.0) -> list[tuple[str, Box]]:
    """OCR lines in reading order. `noise` scales every error rate (0: a perfect reader)."""
    lines = []
    for row in rows(texts):
        for text, box in merge_close(row):
            if rng.random() < 0.04 * noise:
                continue  # a line the detector missed
            words = text.split()
            if len(words) > 1 and rng.random() < 0.06 * noise:
                words.pop(rng.randrange(len(words)))  # a word lost
            if len(words) > 1 and rng.random() < 0.05 * noise:
                cut = rng.randrange(1, len(words))  # a line split in two at a wide space
                middle = box[0] + (box[2] - box[0]) * cut / len(words)
                lines.append((confuse(" ".join(words[:cut]), rng, 0.02 * noise), (box[0], box[1], middle, box[3])))
                lines.append((confuse(" ".join(words[cut:]), rng, 0.02 * noise), (middle, box[1], box[2], box[3])))
                continue
            lines.append((confuse(" ".join(words), rng, 0.02 * noise), box))
    return lines
