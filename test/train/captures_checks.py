"""Checks of real workbench captures (python/infimm/data/captures.py), run by captures.test.ts with python/ on
sys.path. Prints one JSON object: for each capture what the TypeScript side asserts on, and whether synthetic
samples' chats ask for transcriptions (they do; captures' never).

    captures_checks.py DIR
"""
import json
import random
import sys

from infimm.data import sample
from infimm.data.captures import THEME, capture_sample, code_rows, load_captures, load_folders
from infimm.train.examples import TRANSCRIBE, chat_turns


def check(capture):
    state = capture.state
    s = capture_sample(capture, random.Random(0))
    shown = " ".join(text for text, *_ in s.texts)
    answers = {q.question: q.answer for q in s.qa}
    opened = [g["active"] for g in state["groups"] if g["active"]]
    panel = " ".join(line["text"] for line in state["lines"] if line["region"] == "panel")
    return {
        "size": list(s.image.size),
        "window": [state["width"], state["height"]],
        "theme": state["theme"],
        "theme_answer": answers.get("Is the theme light or dark?") or answers.get("Is this a light or a dark theme?"),
        "kind_known": state["kind"] in THEME,
        # What the answers say is on the screen: the open files in their tabs, the language in the status bar,
        # the folder (upper-cased by the Explorer's header where the side bar shows).
        "open_shown": all(name in shown for name in opened),
        "language_shown": state["language"] is None or state["language"] in shown,
        "folder_shown": not state["sidebar"] or state["folder"].upper() in shown.upper(),
        "commands_shown": all(command in panel for command in state["commands"]) if state["terminal"] else None,
        "terminal": state["terminal"],
        "rows": len(code_rows(state)),
        # Each code row is recorded with its gutter's number, as the OCR stage reports it.
        "rows_numbered": all((row, n) in {(t[0], t[2]) for t in s.texts if len(t) > 2} for n, row in code_rows(state).items()),
        "kinds": sorted({q.kind for q in s.qa}),
        # A whole screenshot's transcription would make a chat thousands of tokens long: never asked.
        "chat_transcribes": any(t.question in TRANSCRIBE for seed in range(40)
                                for t in chat_turns(capture_sample(capture, random.Random(seed)), random.Random(seed))),
        "boxes_inside": all(0 <= l <= r <= s.image.size[0] and 0 <= t <= b <= s.image.size[1] for _, (l, t, r, b), *_ in s.texts),
    }


if __name__ == "__main__":
    synthetic = any(t.question in TRANSCRIBE for seed in range(40) for t in chat_turns(sample("ui", seed), random.Random(seed)))
    captures = load_captures(sys.argv[1])
    # Two folders (here the same one twice) give both folders' captures, in order.
    both = [c.image for c in load_folders([sys.argv[1], sys.argv[1]])]
    print(json.dumps({"synthetic_chat_transcribes": synthetic, "two_folders": both == [c.image for c in captures] * 2,
                      "captures": [check(c) for c in captures]}))
