"""Real workbench screenshots: code-server in Chromium, captured with the DOM's text and the workbench's state by
scripts/capture-workbenches.ts (NNNN.png beside NNNN.json). Questions and answers are composed from that state
(theme kind, tabs, language, cursor, folder, terminal commands) and from the code rows the DOM shows, so the
model learns to answer about screens exactly as people screenshot them, at their real size and with their real
chrome. A folder may also hold ocr.jsonl, the runtime's OCR stage run over its images
(`npm run -s ocr -- DIR/*.png --json > DIR/ocr.jsonl`): then training sees the real OCR lines as context.
"""
from __future__ import annotations

import json
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from . import QA, Sample, describe_list
from .real_ocr import read_ocr_lines
from .screens import yes_no

FAMILY = "code-server"
THEME = {"vs": "light", "vs-dark": "dark", "hc-black": "dark", "hc-light": "light"}


@dataclass(frozen=True)
class Capture:
    image: str
    state: dict
    ocr: list | None


def load_captures(folder: str) -> list[Capture]:
    """Every capture of the folder, in name order, with its real OCR lines where ocr.jsonl has the image."""
    ocr_file = os.path.join(folder, "ocr.jsonl")
    ocr = read_ocr_lines(ocr_file) if os.path.exists(ocr_file) else {}
    captures = []
    for name in sorted(n for n in os.listdir(folder) if n.endswith(".json")):
        image = os.path.join(folder, name[:-5] + ".png")
        if os.path.exists(image):
            with open(os.path.join(folder, name)) as f:
                captures.append(Capture(image, json.load(f), ocr.get(os.path.basename(image))))
    return captures


def load_folders(folders: Sequence[str]) -> list[Capture]:
    """Every capture of every folder (`load_captures`), folder by folder: one run's screenshots beside another's."""
    return [capture for folder in folders for capture in load_captures(folder)]


def open_files(state: dict) -> str:
    active = [g["active"] for g in state["groups"] if g["active"]]
    return describe_list(active) if active else "none"


def code_rows(state: dict) -> dict[int, str]:
    """The first editor's code rows by their line number, where the row shows some text."""
    return {line["lineNumber"]: line["text"].strip() for line in state["lines"]
            if line["kind"] == "code" and line["region"] == "editor-1" and "lineNumber" in line and line["text"].strip()}


def description(state: dict) -> tuple[str, tuple[str, ...]]:
    """A summary from the state: theme, folder, open files and language, tabs, the Explorer, the terminal."""
    tabs = [t for g in state["groups"] for t in g["tabs"]]
    files = open_files(state)
    text = f"A {THEME[state['kind']]} editor window with the folder {state['folder']} open"
    text += f": {files} in the editor" + (f" ({state['language']})" if state["language"] else "") if tabs else ", no file open"
    if len(state["groups"]) > 1:
        text += ", in two editors side by side"
    if tabs:
        text += f", {len(tabs)} tab{'s' if len(tabs) > 1 else ''} ({describe_list(tabs)})"
    text += "."
    if state["explorer"]:
        text += f" The Explorer lists {describe_list(state['explorer'][:6])}."
    if state["terminal"] and state["commands"]:
        text += f" The terminal ran {describe_list(state['commands'])}."
    elements = (state["folder"], *[g["active"] for g in state["groups"] if g["active"]], *state["commands"])
    return text, elements


def questions(state: dict, rng: random.Random) -> list[QA]:
    theme = THEME[state["kind"]]
    tabs = [t for g in state["groups"] for t in g["tabs"]]
    qa = [QA(rng.choice(["Is the theme light or dark?", "Is this a light or a dark theme?"]), theme, "ui_state"),
          QA(rng.choice(["Is the terminal open?", "Is a terminal open?"]), yes_no(state["terminal"]), "ui_state"),
          QA(rng.choice(["Which folder is open?", "What is the name of the open folder?"]), state["folder"], "reading"),
          QA("How many tabs are open?", str(len(tabs)), "count")]
    if tabs:
        qa.append(QA(rng.choice(["Which file is open?", "What file is being edited?", "What is the name of the open file?"]),
                     open_files(state), "reading"))
    if state["language"]:
        qa.append(QA(rng.choice(["Which language is this?", "What language is the open file in?"]), state["language"], "reading"))
    if state["cursor"] and state["cursor"].startswith("Ln "):
        qa.append(QA("Which line is the cursor on?", state["cursor"][3:].split(",")[0], "reading"))
    if state["terminal"] and state["commands"]:
        qa.append(QA(rng.choice(["What command was run in the terminal?", "What was the last command in the terminal?"]),
                     state["commands"][-1], "reading"))
    rows = code_rows(state)
    if rows:
        number = rng.choice(sorted(rows))
        qa.append(QA(f"What is on line {number}?", rows[number], "reading"))
    text, elements = description(state)
    qa.append(QA(rng.choice(["Describe this screenshot.", "What is on this screen?"]), text, "description", elements))
    return qa


def capture_sample(capture: Capture, rng: random.Random) -> Sample:
    state = capture.state
    image = Image.open(capture.image).convert("RGB")
    # The gutter's numbers are not text: the runtime's OCR reports each as its code row's line number.
    texts = [(line["text"].strip(), (x, y, x + w, y + h), *([line["lineNumber"]] if "lineNumber" in line else []))
             for line in state["lines"] if line["text"].strip() and line["kind"] != "lineNumber" for x, y, w, h in [line["box"]]]
    caption = f"An editor window with {open_files(state)} open."
    return Sample(FAMILY, image, caption, questions(state, rng), texts, capture.ocr)
