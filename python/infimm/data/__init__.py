"""Synthetic screens and diagrams with exact ground truth, deterministic by seed.

    sample(family, seed, held_out=False) -> Sample

Every sample is one PIL image, a short caption (the pretraining text) and question–answer pairs, each tagged
with the skill it tests (reading, ui_state, structure, colour, count). The held-out split uses other seeds
and other layouts (the `held_out` flag switches each generator to layout variants training never shows).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image

KINDS = ("reading", "ui_state", "structure", "colour", "count")


@dataclass(frozen=True)
class QA:
    question: str
    answer: str
    kind: str


@dataclass
class Sample:
    family: str
    image: Image.Image
    caption: str
    qa: list[QA]


def sample(family: str, seed: int, held_out: bool = False) -> Sample:
    # A string seed gives an independent stream per (family, seed, split), stable across Python versions.
    rng = random.Random(f"{family}/{seed}/{'held-out' if held_out else 'train'}")
    return Sample(family, *GENERATORS[family](rng, held_out))


from .screens import code_editor, dialog, terminal  # noqa: E402  (the generators import QA from here)
from .figures import bar_chart, corner_text, diagram, document  # noqa: E402

GENERATORS = {
    "ui": dialog,
    "code": code_editor,
    "terminal": terminal,
    "diagram": diagram,
    "chart": bar_chart,
    "document": document,
    "corner": corner_text,
}
FAMILIES = tuple(GENERATORS)
