"""Checks of the held-out renderers (python/infimm/data/external.py), run by external.test.ts with python/ on
sys.path. Prints one JSON object: for each renderer and seed, what the TypeScript side asserts on.

    external_checks.py [SEEDS]    renders seeds 0 … SEEDS-1 (3 unless told) of matplotlib_chart and graphviz_diagram
"""
import hashlib
import json
import random
import re
import sys

from infimm.data.external import graphviz_diagram, matplotlib_chart

RENDERERS = {"matplotlib_chart": matplotlib_chart, "graphviz_diagram": graphviz_diagram}


def digest(image, caption, qa):
    return hashlib.sha256(image.tobytes() + repr((image.size, caption, qa, image.info["texts"])).encode()).hexdigest()


def render(name, seed):
    rng = random.Random(f"{name}/{seed}/held-out")
    image, caption, qa = RENDERERS[name](rng, True)
    again = RENDERERS[name](random.Random(f"{name}/{seed}/held-out"), True)
    width, height = image.size
    texts = image.info["texts"]
    recorded = {text for text, _ in texts}
    # Every answer read off the image (not a count) and every element a description must name is a drawn text.
    # "What does X connect to?" may name several boxes ("a, b and c").
    wanted = [part for q in qa if q.kind in ("reading", "structure") and not q.question.startswith("How many")
              for part in re.split(r", | and ", q.answer)]
    wanted += [e for q in qa for e in q.elements]
    return {
        "mode": image.mode,
        "size": [width, height],
        "deterministic": digest(image, caption, qa) == digest(*again),
        "caption": caption,
        "questions": [q.question for q in qa],
        "kinds": [q.kind for q in qa],
        "texts": [text for text, _ in texts],
        "boxes_are_ints": all(len(box) == 4 and all(type(v) is int for v in box) for _, box in texts),
        "boxes_outside": [[text, list(box)] for text, box in texts
                          if not (0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <= height)],
        "answers_missing": [a for a in wanted if a not in recorded],
        "answers_checked": len(wanted),
    }


if __name__ == "__main__":
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(json.dumps({name: [render(name, seed) for seed in range(seeds)] for name in RENDERERS}))
