"""OCR context: the text lines of an image, with coarse positions, put in the user turn before the question.
The twin of src/tokens/ocr-context.ts; both give the same text for the same lines (a test checks it).

    <s>SYSTEM USER: <image>Text in the image:
    [0,3] Settings — Photon Mail
    [2,0] Notifications
    [4,2] 12: const x = 1;
    [9,7] Cancel
    Is Sound on? ASSISTANT:

[row,col]: the tenth of the image height holding the line's vertical centre, and the tenth of its width holding
its left edge (0–9); a code row beside an editor's gutter follows it with its line number ("12:"), so that "What
is on line 12?" can be answered. Lines keep the OCR's reading order. Within `max_tokens`, headings (lines at least
1.25× the median line height) are kept first, then commands at a shell prompt ("app$ make", the latest first), then
the lines starting in the bottom 4% of the image (a status bar), then the rest by their place in their OCR block
(every block's first line top-down, then every second line, …), so that a screen's title bar, tabs, status bar and the first rows of every pane (a terminal below a full editor among them)
survive a long page or a full editor. Before all of them come the lines the conversation's first question asks about:
the code rows it names ("line 30") and the lines holding one of its rarer words ("Is *Sound* on?"), so that a question
about one row of a full editor finds that row in the context. An image without text gives "Text in the image: none".
"""
from __future__ import annotations

import math
import re
from typing import Callable, Sequence

HEADER = "Text in the image:"
# A box as (left, top, right, bottom) in image pixels.
Box = tuple[float, float, float, float]
# An OCR line: (text, box), (text, box, block) with the OCR's block (a pane, a paragraph), or (text, box, block,
# line number); lines without a block (or with None) are taken from the top down.
Line = tuple


def position(box: Box, width: int, height: int) -> str:
    left, top, _, bottom = box
    row = min(9, max(0, math.floor(5 * (top + bottom) / height)))
    col = min(9, max(0, math.floor(10 * left / width)))
    return f"[{row},{col}]"


# An entry: (the line as the context shows it, its box's top, its height, how many lines of its block come before
# it, its words as asked_by matches them, its line number or None).
Entry = tuple[str, float, float, int, frozenset, "int | None"]


def words_of(text: str) -> frozenset:
    """The lowercase ASCII letter and digit runs of a text, the unit a question is matched with."""
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def entries(lines: Sequence[Line], width: int, height: int) -> list[Entry]:
    """Each line's text as it appears in the context, with its box's top and height, how many lines of its block
    come before it (0 without a block), its words and its line number; empty lines dropped."""
    out = []
    seen: dict = {}
    for text, box, *rest in lines:
        words = " ".join(text.split())
        if words:
            key = rest[0] if rest else None
            number = rest[1] if len(rest) > 1 else None
            nth = 0 if key is None else seen.get(key, 0)
            shown = words if number is None else f"{number}: {words}"
            out.append((f"{position(box, width, height)} {shown}", box[1], box[3] - box[1], nth, words_of(words), number))
            if key is not None:
                seen[key] = nth + 1
    return out


# A question word of at least this many characters found in at most RARE_LINES lines marks those lines as asked
# about; a word most lines hold ("the", a keyword of the code) marks none.
MIN_WORD = 3
RARE_LINES = 3


def asked_by(question: str, items: Sequence[Entry]) -> set[int]:
    """Indices of the entries a question asks about: the code rows it names ("line 30", "lines 4") and the lines
    holding one of its rarer words."""
    numbers = {int(n) for n in re.findall(r"(?<![a-z0-9])lines? +([0-9]+)", question.lower())}
    asked = {i for i, item in enumerate(items) if item[5] in numbers}
    for word in words_of(question):
        holding = [i for i, item in enumerate(items) if word in item[4]]
        if len(word) >= MIN_WORD and len(holding) <= RARE_LINES:
            asked.update(holding)
    return asked


# A heading is at least this many times the median line height (box heights of one font size vary by a few pixels).
HEADING_RATIO = 1.25
# A command typed at a shell prompt ("user@host:~/app$ make", "● app$ du -sh .", "$ ls"): what a terminal shows
# was done, deep in a block of output that the budget would otherwise reach last. Matched on the line's
# single-spaced words.
COMMAND_LINE = re.compile(r"(?:^| )(?:[^ $]*[A-Za-z0-9_~/\])])?\$ [^ ]")
# Lines starting in this bottom share of the image height come after the headings: a status bar, which a full
# editor's rows would otherwise push out of the budget.
BOTTOM_SHARE = 0.04


def budget_order(items: Sequence[Entry], image_height: int, question: str = "") -> list[int]:
    """Entry indices in the order the budget tries them: the lines the question asks about and headings, each from
    the top down; commands at a shell prompt from the bottom up (the latest first); lines in the bottom band from
    the top down; then the rest by their place in their block, then from the top down; ties in reading order."""
    heights = sorted(item[2] for item in items)
    median = heights[len(heights) // 2] if heights else 0
    asked = asked_by(question, items)

    def key(i: int) -> tuple:
        entry, top, height, nth, _, _ = items[i]
        rank = (-1 if i in asked else 0 if height >= HEADING_RATIO * median
                else 1 if COMMAND_LINE.search(entry) else 2 if top >= (1 - BOTTOM_SHARE) * image_height else 3)
        return rank, nth if rank == 3 else 0, -top if rank == 1 else top, i

    return sorted(range(len(items)), key=key)


def ocr_context(lines: Sequence[Line], width: int, height: int, count_tokens: Callable[[str], int],
                max_tokens: int, question: str = "") -> str:
    """The context text for the conversation's first `question`, ending with a newline so that the question
    starts its own line."""
    items = entries(lines, width, height)
    budget = max_tokens - count_tokens(HEADER)
    kept = set()
    for index in budget_order(items, height, question):
        cost = count_tokens(items[index][0]) + 1  # + the newline
        if cost <= budget:
            kept.add(index)
            budget -= cost
    if not kept:
        return f"{HEADER} none\n"
    return HEADER + "".join(f"\n{items[i][0]}" for i in sorted(kept)) + "\n"
