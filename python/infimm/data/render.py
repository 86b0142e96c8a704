"""Drawing helpers shared by the generators: fonts from Debian's font packages, named colours, themes."""
from __future__ import annotations

import os
import random
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

# fonts-dejavu-core, fonts-liberation, fonts-noto-core and fonts-noto-mono, all in .ci/run's package list.
# INFIMM_FONTS names a folder with dejavu/, liberation/ and noto/ inside instead (the GPU machine has no fonts:
# scripts/gpu/prepare-train.sh carries the files FONT_FILES lists).
FONT_DIRS = {"dejavu": "/usr/share/fonts/truetype/dejavu/", "liberation": "/usr/share/fonts/truetype/liberation/",
             "noto": "/usr/share/fonts/truetype/noto/"}
if os.environ.get("INFIMM_FONTS"):
    FONT_DIRS = {key: os.path.join(os.environ["INFIMM_FONTS"], key, "") for key in FONT_DIRS}
SANS = [("dejavu", "DejaVuSans.ttf"), ("liberation", "LiberationSans-Regular.ttf"), ("noto", "NotoSans-Regular.ttf")]
SANS_BOLD = [("dejavu", "DejaVuSans-Bold.ttf"), ("liberation", "LiberationSans-Bold.ttf"), ("noto", "NotoSans-Bold.ttf")]
MONO = [("dejavu", "DejaVuSansMono.ttf"), ("liberation", "LiberationMono-Regular.ttf"), ("noto", "NotoSansMono-Regular.ttf")]
# Every font file the generators open (external.py's FAMILIES are among them).
FONT_FILES = sorted(set(SANS + SANS_BOLD + MONO))

# Colours that a question may ask for by name: far enough apart to be told apart after a bicubic squash.
NAMED_COLOURS = {
    "black": (20, 20, 20),
    "red": (220, 30, 30),
    "blue": (30, 70, 230),
    "green": (20, 150, 40),
    "orange": (245, 140, 0),
    "purple": (140, 40, 190),
}


@lru_cache(maxsize=None)
def font(face: tuple[str, str], size: int) -> ImageFont.FreeTypeFont:
    path = FONT_DIRS[face[0]] + face[1]
    # Pillow looks for a missing file by its name under the system's font folders: with INFIMM_FONTS, a file
    # missing there must fail here, not be found elsewhere on this machine and then be missing on the GPU machine.
    if os.environ.get("INFIMM_FONTS") and not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: not in INFIMM_FONTS (scripts/gpu/prepare-train.sh copies render.FONT_FILES)")
    return ImageFont.truetype(path, size)


def text_width(draw: ImageDraw.ImageDraw, text: str, f: ImageFont.FreeTypeFont) -> int:
    return int(draw.textlength(text, font=f))


@dataclass(frozen=True)
class Theme:
    name: str  # "light" or "dark": the answer to the theme question
    background: tuple
    panel: tuple
    text: tuple
    muted: tuple  # disabled controls
    accent: tuple
    border: tuple


LIGHT = Theme("light", (236, 239, 244), (252, 252, 253), (25, 25, 30), (165, 168, 175), (30, 90, 220), (150, 155, 165))
DARK = Theme("dark", (24, 26, 31), (40, 43, 51), (235, 236, 240), (105, 110, 120), (90, 150, 255), (95, 100, 112))
HIGH_CONTRAST = Theme("high contrast", (0, 0, 0), (0, 0, 0), (255, 255, 255), (160, 160, 160), (255, 200, 0), (110, 230, 255))


def theme(rng: random.Random) -> Theme:
    return rng.choice([LIGHT, DARK])


class RecordingDraw(ImageDraw.ImageDraw):
    """Draws like ImageDraw and records every text it draws with its pixel box in `image.info["texts"]`:
    the ground truth of the simulated OCR (data/ocr.py) and of the transcription task."""

    def __init__(self, image: Image.Image):
        super().__init__(image)
        self.texts: list[tuple[str, tuple[int, int, int, int]]] = image.info.setdefault("texts", [])
        self.regions: list[tuple[int, int, int, int]] = image.info.setdefault("regions", [])

    def text(self, xy, text, fill=None, font=None, *args, record: bool = True, line_number: int | None = None, **kwargs):
        """`record=False` for the pieces of a text that is recorded whole (a syntax-coloured code line) and for what
        the OCR stage does not report as text (a gutter's line numbers); `line_number` for a code row beside a
        gutter, which the OCR stage reports with the row."""
        if record and text.strip():
            self.record(text, xy, font, line_number)
        return super().text(xy, text, fill, font, *args, **kwargs)

    def record(self, text: str, xy, font, line_number: int | None = None) -> None:
        """Records a text drawn at `xy` (in pieces, or by `text`) as one."""
        box = tuple(int(v) for v in self.textbbox(xy, text, font=font))
        self.texts.append((text, box) if line_number is None else (text, box, line_number))

    def region(self, box: tuple[int, int, int, int]) -> None:
        """Marks a pane (a side bar, a tab strip, an editor, a panel) in `image.info["regions"]`, in reading order:
        the simulated OCR keeps its texts in a block of their own, as the real stage's layout does from borders and
        background colours."""
        self.regions.append(tuple(box))


def canvas(rng: random.Random, low: int, high: int, colour: tuple, min_height: int = 0) -> tuple[Image.Image, RecordingDraw]:
    """A canvas whose sides are drawn from [low, high] (the sizes spread over several tile grids), at least
    `min_height` tall so that the content fits."""
    image = Image.new("RGB", (rng.randint(low, high), max(min_height, rng.randint(low, high))), colour)
    return image, RecordingDraw(image)
