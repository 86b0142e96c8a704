"""Synthetic screens and diagrams with exact ground truth, deterministic by seed.

    sample(family, seed, held_out=False) -> Sample

Every sample is one PIL image, a short caption (the pretraining text), the texts drawn with their boxes (the
ground truth of OCR and transcription) and question–answer pairs, each tagged with the skill it tests
(reading, ui_state, structure, colour, count, description). A description also lists the ground-truth
elements it must name (the title and buttons of a dialog, the nodes of a diagram, …), for recall scoring. The held-out split uses other seeds
and other layouts (the `held_out` flag switches each generator to layout variants training never shows).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from PIL import Image

KINDS = ("reading", "ui_state", "structure", "colour", "count", "description", "transcription")


@dataclass(frozen=True)
class QA:
    question: str
    answer: str
    kind: str
    elements: tuple[str, ...] = ()


@dataclass
class Sample:
    family: str
    image: Image.Image
    caption: str
    qa: list[QA]
    texts: list[tuple[str, tuple[int, int, int, int]]]
    # Lines read by the runtime's OCR stage (data/real_ocr.py); None: training simulates an OCR from `texts`.
    ocr: list | None = None
    # Panes the generator marked (RecordingDraw.region), in reading order; the simulated OCR keeps them apart.
    regions: list[tuple[int, int, int, int]] = field(default_factory=list)


def sample(family: str, seed: int, held_out: bool = False) -> Sample:
    # A string seed gives an independent stream per (family, seed, split), stable across Python versions.
    rng = random.Random(f"{family}/{seed}/{'held-out' if held_out else 'train'}")
    generator = HELD_OUT_RENDERERS.get(family, GENERATORS[family]) if held_out else GENERATORS[family]
    image, caption, qa = generator(rng, held_out)
    return Sample(family, image, caption, qa, image.info.pop("texts", []), regions=image.info.pop("regions", []))


def describe_list(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


from .screens import code_editor, dialog, terminal  # noqa: E402  (the generators import QA from here)
from .figures import bar_chart, corner_text, diagram, document  # noqa: E402
from .workbench import workbench  # noqa: E402
from .forms import settings_page  # noqa: E402
from .external import graphviz_diagram, matplotlib_chart  # noqa: E402

GENERATORS = {
    "ui": dialog,
    "workbench": workbench,
    "form": settings_page,
    "code": code_editor,
    "terminal": terminal,
    "diagram": diagram,
    "chart": bar_chart,
    "document": document,
    "corner": corner_text,
}
FAMILIES = tuple(GENERATORS)
# Whole renderers training never uses: the held-out split draws these families with them.
HELD_OUT_RENDERERS = {"chart": matplotlib_chart, "diagram": graphviz_diagram}
