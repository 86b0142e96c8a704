"""Exact-match evaluation on the held-out synthetic set (other seeds, other layouts), per task family and per
skill, with a resolution ablation: the thumbnail alone, a 1×1 grid (thumbnail + one tile), and the dynamic grid.

    python3 -m infimm.train.evaluate torch --checkpoint DIR [--samples N] [--modes thumbnail,single,dynamic]
        runs the PyTorch model (reference.load_reference, float32) on the checkpoint folder.
    python3 -m infimm.train.evaluate write-set --out DIR [--samples N]
        writes the held-out images and questions (DIR/questions.json) for the runtime (src/cli/eval.ts) to answer;
    python3 -m infimm.train.evaluate score --set DIR
        scores the runtime's answers (DIR/answers.json: {mode: [{output, ended}, …]}, in question order).

Questions are asked one at a time in the runtime's chat format (tokenization.prompt_ids) and answered greedily
until <|endofchunk|>. An answer scores when its text equals the ground truth exactly and it ended with
<|endofchunk|>.
"""
from __future__ import annotations

import argparse
import json
import os

import torch

from ..data import FAMILIES, KINDS, QA, sample
from ..reference import load_reference
from ..tokenization import InfimmTokenizer, prompt_ids
from . import batched
from .examples import pad
from .views import make_views

MODES = {"thumbnail": "thumbnail only", "single": "1×1 grid", "dynamic": "dynamic grid"}


@torch.no_grad()
def answer_all(model, tokenizer: InfimmTokenizer, pixels_rows_cols, questions: list[str], max_new_tokens: int):
    """Greedy answers to several questions about one image, decoded side by side. Rows are right-padded and
    each reads its logits at its own last token, which the causal mask keeps independent of the padding."""
    media, mask = batched.image_media(model, [pixels_rows_cols], grad=False)
    prompts = [prompt_ids(tokenizer, True, [], q) for q in questions]
    lengths = [len(p) for p in prompts]
    ids = torch.cat([pad(prompts, 0), torch.zeros(len(prompts), max_new_tokens, dtype=torch.int64)], dim=1)
    media, mask = media.expand(len(prompts), -1, -1), mask.expand(len(prompts), -1)
    out: list[list[int]] = [[] for _ in prompts]
    finished = [False] * len(prompts)
    for _ in range(max_new_tokens):
        width = max(lengths)
        logits = batched.logits(model, ids[:, :width], media, mask)
        logits[..., tokenizer.image] = -float("inf")  # as model.greedy: never an <image> without an image
        for b in range(len(prompts)):
            if finished[b]:
                continue
            token = int(logits[b, lengths[b] - 1].argmax())
            out[b].append(token)
            ids[b, lengths[b]] = token
            lengths[b] += 1
            finished[b] = token == tokenizer.end_of_chunk
        if all(finished):
            break
    return out


def held_out(samples: int):
    return [sample(family, seed, held_out=True) for family in FAMILIES for seed in range(samples)]


def scored(family: str, qa: QA, output: str, ended: bool) -> dict:
    return {"family": family, "kind": qa.kind, "question": qa.question, "answer": qa.answer, "output": output,
            "ended": ended, "correct": ended and output == qa.answer}


def evaluate(checkpoint: str, samples: int, modes: list[str]) -> dict:
    model = load_reference(checkpoint, torch.float32)
    tokenizer = InfimmTokenizer(os.path.join(checkpoint, "tokenizer.model"))
    tile = model.config.visual.image_size
    results = {mode: [] for mode in modes}
    for s in held_out(samples):
        for mode in modes:
            tokens = answer_all(model, tokenizer, make_views(s.image, tile, mode), [q.question for q in s.qa], 12)
            for qa, answer in zip(s.qa, tokens):
                ended = bool(answer) and answer[-1] == tokenizer.end_of_chunk
                text = tokenizer.sp.decode([t for t in answer if t < tokenizer.end_of_chunk]).strip()
                results[mode].append(scored(s.family, qa, text, ended))
    return results


def write_set(out: str, samples: int) -> None:
    os.makedirs(out, exist_ok=True)
    questions = []
    for n, s in enumerate(held_out(samples)):
        image = f"{s.family}-{n}.png"
        s.image.save(os.path.join(out, image))
        questions += [{"image": image, "family": s.family, "kind": q.kind, "question": q.question, "answer": q.answer}
                      for q in s.qa]
    with open(os.path.join(out, "questions.json"), "w") as f:
        json.dump(questions, f, indent=1)


def score_set(folder: str) -> dict:
    with open(os.path.join(folder, "questions.json")) as f:
        questions = json.load(f)
    with open(os.path.join(folder, "answers.json")) as f:
        answers = json.load(f)
    return {mode: [scored(q["family"], QA(q["question"], q["answer"], q["kind"]), a["output"].strip(), a["ended"])
                   for q, a in zip(questions, rows, strict=True)]
            for mode, rows in answers.items()}


def score(rows: list[dict], key: str, value: str) -> str:
    chosen = [r for r in rows if r[key] == value]
    if not chosen:
        return "–"
    return f"{100 * sum(r['correct'] for r in chosen) / len(chosen):.0f}% ({len(chosen)})"


def table(results: dict) -> str:
    modes = list(results)
    header = "| | " + " | ".join(MODES[m] for m in modes) + " |\n|---|" + "---|" * len(modes) + "\n"
    lines = []
    for family in FAMILIES:
        lines.append(f"| family: {family} | " + " | ".join(score(results[m], "family", family) for m in modes) + " |")
    for kind in KINDS:
        lines.append(f"| skill: {kind} | " + " | ".join(score(results[m], "kind", kind) for m in modes) + " |")
    total = [f"{100 * sum(r['correct'] for r in results[m]) / len(results[m]):.0f}% ({len(results[m])})" for m in modes]
    ended = [f"{100 * sum(r['ended'] for r in results[m]) / len(results[m]):.0f}%" for m in modes]
    lines.append("| **all** | " + " | ".join(total) + " |")
    lines.append("| ends with `<|endofchunk|>` | " + " | ".join(ended) + " |")
    return header + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="infimm.train.evaluate")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("torch")
    t.add_argument("--checkpoint", required=True)
    t.add_argument("--samples", type=int, default=15, help="held-out samples per family")
    t.add_argument("--modes", default="thumbnail,single,dynamic")
    t.add_argument("--json", help="also write every answer here")
    w = sub.add_parser("write-set")
    w.add_argument("--out", required=True)
    w.add_argument("--samples", type=int, default=15)
    c = sub.add_parser("score")
    c.add_argument("--set", required=True)
    c.add_argument("--json", help="also write every answer here")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.command == "write-set":
        write_set(args.out, args.samples)
        return
    results = evaluate(args.checkpoint, args.samples, args.modes.split(",")) if args.command == "torch" else score_set(args.set)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print(table(results))


if __name__ == "__main__":
    main()
