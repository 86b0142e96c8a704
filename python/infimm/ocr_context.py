"""OCR context: the text lines of an image, with coarse positions, put in the user turn before the question.
The twin of src/tokens/ocr-context.ts; both give the same text for the same lines (a test checks it).

    <s>SYSTEM USER: <image>Text in the image:
    [0,3] Settings — Photon Mail
    [2,0] Notifications
    [9,7] Cancel
    Is Sound on? ASSISTANT:

[row,col]: the tenth of the image height holding the line's vertical centre, and the tenth of its width holding
its left edge (0–9). Lines keep the OCR's reading order. Within `max_tokens`, headings (lines at least 1.25× the
median line height) are kept first, then the lines starting in the bottom 4% of the image (a status bar), then the
rest from the top down, so that a screen's title bar, tabs, status bar and the first rows of every pane survive a
long page or a full editor. An image without text gives "Text in the image: none".
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

HEADER = "Text in the image:"
# A box as (left, top, right, bottom) in image pixels.
Box = tuple[float, float, float, float]


def position(box: Box, width: int, height: int) -> str:
    left, top, _, bottom = box
    row = min(9, max(0, math.floor(5 * (top + bottom) / height)))
    col = min(9, max(0, math.floor(10 * left / width)))
    return f"[{row},{col}]"


def entries(lines: Sequence[tuple[str, Box]], width: int, height: int) -> list[tuple[str, float, float]]:
    """Each line's text as it appears in the context, with its box's top and height; empty lines dropped."""
    out = []
    for text, box in lines:
        words = " ".join(text.split())
        if words:
            out.append((f"{position(box, width, height)} {words}", box[1], box[3] - box[1]))
    return out


# A heading is at least this many times the median line height (box heights of one font size vary by a few pixels).
HEADING_RATIO = 1.25
# Lines starting in this bottom share of the image height come after the headings: a status bar, which a full
# editor's rows would otherwise push out of the budget.
BOTTOM_SHARE = 0.04


def budget_order(items: Sequence[tuple[str, float, float]], image_height: int) -> list[int]:
    """Entry indices in the order the budget tries them: headings, lines in the bottom band, the rest; each group
    from the top down, ties in reading order."""
    heights = sorted(h for _, _, h in items)
    median = heights[len(heights) // 2] if heights else 0

    def rank(i: int) -> int:
        _, top, height = items[i]
        return 0 if height >= HEADING_RATIO * median else 1 if top >= (1 - BOTTOM_SHARE) * image_height else 2

    return sorted(range(len(items)), key=lambda i: (rank(i), items[i][1], i))


def ocr_context(lines: Sequence[tuple[str, Box]], width: int, height: int, count_tokens: Callable[[str], int],
                max_tokens: int) -> str:
    """The context text, ending with a newline so that the question starts its own line."""
    items = entries(lines, width, height)
    budget = max_tokens - count_tokens(HEADER)
    kept = set()
    for index in budget_order(items, height):
        cost = count_tokens(items[index][0]) + 1  # + the newline
        if cost <= budget:
            kept.add(index)
            budget -= cost
    if not kept:
        return f"{HEADER} none\n"
    return HEADER + "".join(f"\n{items[i][0]}" for i in sorted(kept)) + "\n"
