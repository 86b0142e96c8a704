"""Evaluation on the held-out set: other seeds, layouts training never shows, and whole renderers training never
used (held-out charts come from matplotlib, diagrams from Graphviz: data/external.py). Per family and per skill:
exact match for short answers; for descriptions, whether every ground-truth element (a dialog's title and
buttons, a diagram's boxes, …) is named, and the mean share named; for transcriptions, the character error rate.

    python3 -m infimm.train.evaluate write-set --out DIR [--samples N] [--captures DIR]
        writes the held-out images and questions (DIR/questions.json) for the runtime (src/cli/eval.ts) to answer;
        with held-out real workbench screenshots (scripts/capture-workbenches.ts --held-out: themes and code
        training never shows) their questions too, as the family code-server;
    python3 -m infimm.train.evaluate score --set DIR [--checkpoint DIR [--ablations thumbnail,blank]]
        scores the runtime's answers (DIR/answers.json: {mode: [{output, ended}, …]}, in question order), and
        with a checkpoint folder adds the ablations below as columns of the same table;
    python3 -m infimm.train.evaluate torch --checkpoint DIR --set DIR [--modes thumbnail,blank]
        the ablations the runtime cannot make, in PyTorch on the checkpoint folder, with the OCR context of the
        runtime's own OCR lines (DIR/ocr.json, written by src/cli/eval.ts): the thumbnail alone, and a blank
        image (white, same size) with the real image's OCR context: the drop shows what the model takes from
        the pixels.

quick_score(model, tokenizer, N) is the training run's own check at its end (pipeline.py --heldout N): the short
questions of N held-out samples per family, with a simulated OCR's context, in PyTorch on the model's device.

Questions are asked one at a time in the runtime's chat format and answered greedily until <|endofchunk|>.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import time

import torch
from PIL import Image

from ..data import FAMILIES, GENERATORS, HELD_OUT_RENDERERS, KINDS, Sample, sample
from ..data.captures import FAMILY, capture_sample, load_captures
from ..data.ocr import simulate
from ..ocr_context import ocr_context
from ..reference import load_reference
from ..tokenization import InfimmTokenizer, prompt_ids
from . import batched
from .examples import OCR_CONTEXT_TOKENS, TRANSCRIBE, pad, transcribable, transcription
from .views import make_views

MODES = {"dynamic": "dynamic grid", "single": "1×1 grid", "no-ocr": "dynamic, no OCR context",
         "thumbnail": "thumbnail only", "blank": "blank image"}
MAX_TOKENS = {"description": 96, "transcription": 256}
SHORT_ANSWER_TOKENS = 16


def max_tokens(kind: str) -> int:
    return MAX_TOKENS.get(kind, SHORT_ANSWER_TOKENS)


def held_out(samples: int):
    return [sample(family, seed, held_out=True) for family in FAMILIES for seed in range(samples)]


def write_set(out: str, samples: int, captures: str | None = None) -> None:
    os.makedirs(out, exist_ok=True)
    questions = []
    real = [capture_sample(c, random.Random(n)) for n, c in enumerate(load_captures(captures))] if captures else []
    for n, s in enumerate(held_out(samples) + real):
        image = f"{s.family}-{n}.png"
        s.image.save(os.path.join(out, image))
        rows = [(q.question, q.answer, q.kind, list(q.elements)) for q in s.qa]
        if transcribable(s):
            rows.append((TRANSCRIBE[n % len(TRANSCRIBE)], transcription(s), "transcription", []))
        questions += [{"image": image, "family": s.family, "kind": kind, "question": question, "answer": answer,
                       "elements": elements, "max_tokens": max_tokens(kind)} for question, answer, kind, elements in rows]
    with open(os.path.join(out, "questions.json"), "w") as f:
        json.dump(questions, f, indent=1)


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def scored(q: dict, output: str, ended: bool) -> dict:
    row = {**q, "output": output, "ended": ended}
    if q["kind"] == "description":
        named = [e for e in q["elements"] if e in output]
        row["recall"] = len(named) / len(q["elements"])
        row["correct"] = len(named) == len(q["elements"])
    elif q["kind"] == "transcription":
        row["cer"] = edit_distance(output, q["answer"]) / max(1, len(q["answer"]))
        row["correct"] = row["cer"] <= 0.05
    else:
        row["correct"] = ended and output == q["answer"]
    return row


def score_set(folder: str) -> dict:
    with open(os.path.join(folder, "questions.json")) as f:
        questions = json.load(f)
    with open(os.path.join(folder, "answers.json")) as f:
        answers = json.load(f)
    return {mode: [scored(q, a["output"].strip(), a["ended"]) for q, a in zip(questions, rows, strict=True)]
            for mode, rows in answers.items()}


@torch.no_grad()
def greedy(model, tokenizer: InfimmTokenizer, media, mask, prompt: list[int], limit: int) -> list[int]:
    ids = list(prompt)
    device = media.device if media is not None else None
    for _ in range(limit):
        logits = batched.logits(model, torch.tensor([ids], device=device), media, mask)[0, -1]
        logits[tokenizer.image] = -float("inf")  # as model.greedy: never an <image> without an image
        ids.append(int(logits.argmax()))
        if ids[-1] == tokenizer.end_of_chunk:
            break
    return ids[len(prompt):]


def evaluate_torch(checkpoint: str, folder: str, modes: list[str]) -> dict:
    """Ablations in PyTorch with the runtime's OCR lines (ocr.json: {image: [{text, box: [l, t, r, b], block,
    lineNumber}]}, the numbers shown where the checkpoint was trained with them), on the short answers (a forward
    without KV cache per token makes long answers slow here)."""
    model = load_reference(checkpoint, torch.float32)
    tokenizer = InfimmTokenizer(os.path.join(checkpoint, "tokenizer.model"))
    tile = model.config.visual.image_size
    with open(os.path.join(folder, "questions.json")) as f:
        questions = json.load(f)
    with open(os.path.join(folder, "ocr.json")) as f:
        ocr = json.load(f)
    with open(os.path.join(checkpoint, "config.json")) as f:
        line_numbers = json.load(f).get("ocr_context", {}).get("line_numbers", False)
    count = lambda text: len(tokenizer.sp.encode(text))  # noqa: E731
    results = {mode: [] for mode in modes}
    media = {}
    for q in (q for q in questions if q["kind"] not in MAX_TOKENS):
        image = Image.open(os.path.join(folder, q["image"])).convert("RGB")
        lines = [(line["text"], tuple(line["box"]), line.get("block"), line.get("lineNumber") if line_numbers else None)
                 for line in ocr[q["image"]]]
        context = ocr_context(lines, image.width, image.height, count, OCR_CONTEXT_TOKENS, q["question"])
        prompt = prompt_ids(tokenizer, True, [], q["question"], context)
        for mode in modes:
            if (q["image"], mode) not in media:
                shown = Image.new("RGB", image.size, (255, 255, 255)) if mode == "blank" else image
                views = make_views(shown, tile, "thumbnail" if mode == "thumbnail" else "dynamic")
                media[q["image"], mode] = batched.image_media(model, [views], grad=False)
            answer = greedy(model, tokenizer, *media[q["image"], mode], prompt, q["max_tokens"])
            ended = bool(answer) and answer[-1] == tokenizer.end_of_chunk
            text = tokenizer.sp.decode([t for t in answer if t < tokenizer.end_of_chunk]).strip()
            results[mode].append(scored(q, text, ended))
    return results


def held_out_sample(family: str, seed: int) -> tuple[Sample, str]:
    """(sample(family, seed, held_out=True), the renderer's name); where a held-out renderer of another engine
    cannot run (no Graphviz on the GPU machine, another matplotlib), the family's own generator with its held-out
    layouts, from the same seed, and the reason in the name."""
    if family not in HELD_OUT_RENDERERS:
        return sample(family, seed, held_out=True), GENERATORS[family].__name__
    try:
        return sample(family, seed, held_out=True), HELD_OUT_RENDERERS[family].__name__
    except Exception as error:  # noqa: BLE001  (whatever the other engine raises)
        rng = random.Random(f"{family}/{seed}/held-out")
        image, caption, qa = GENERATORS[family](rng, True)
        reason = f"{type(error).__name__}: {error}"[:120]
        return Sample(family, image, caption, qa, image.info.pop("texts", [])), f"{GENERATORS[family].__name__} ({reason})"


@torch.no_grad()
def quick_score(model, tokenizer: InfimmTokenizer, samples: int, log=print) -> dict:
    """Exact match on the short questions (every kind but descriptions) of `samples` held-out samples per family,
    asked one at a time with the OCR context of a simulated OCR (noise 0.5), answered greedily on the model's
    device (under the caller's autocast). Logs one line per family and the total."""
    started, was_training = time.time(), model.training
    model.eval()
    device = next(model.parameters()).device
    tile = model.config.visual.image_size
    count = lambda text: len(tokenizer.sp.encode(text))  # noqa: E731
    families, rows = {}, []
    for family in FAMILIES:
        chosen = []
        for seed in range(samples):
            s, renderer = held_out_sample(family, seed)
            lines = simulate(s.texts, random.Random(f"quick/{family}/{seed}"), 0.5, s.regions)
            pixels, grid_rows, grid_cols = make_views(s.image, tile, "dynamic")
            media, mask = batched.image_media(model, [(pixels.to(device), grid_rows, grid_cols)], grad=False)
            for q in (q for q in s.qa if q.kind not in MAX_TOKENS):
                # One question per conversation, so each gets the context the runtime makes for it.
                context = ocr_context(lines, s.image.width, s.image.height, count, OCR_CONTEXT_TOKENS, q.question)
                answer = greedy(model, tokenizer, media, mask, prompt_ids(tokenizer, True, [], q.question, context),
                                SHORT_ANSWER_TOKENS)
                ended = bool(answer) and answer[-1] == tokenizer.end_of_chunk
                text = tokenizer.sp.decode([t for t in answer if t < tokenizer.end_of_chunk]).strip()
                chosen.append(scored({"family": family, "kind": q.kind, "question": q.question, "answer": q.answer,
                                      "elements": []}, text, ended))
        families[family] = {"renderer": renderer, "questions": len(chosen), "correct": sum(r["correct"] for r in chosen)}
        log(f"held-out {family} ({renderer}): {families[family]['correct']}/{len(chosen)} exact")
        rows += chosen
    model.train(was_training)
    correct = sum(r["correct"] for r in rows)
    result = {"short_answers": round(100 * correct / max(1, len(rows)), 1), "questions": len(rows), "correct": correct,
              "samples_per_family": samples, "seconds": round(time.time() - started, 1), "families": families,
              "answers": [{k: r[k] for k in ("family", "kind", "question", "answer", "output", "correct")} for r in rows]}
    log(f"held-out short answers: {result['short_answers']}% exact ({correct}/{len(rows)}, {samples} samples per family, "
        f"simulated OCR context) in {result['seconds']} s")
    return result


def cell(rows: list[dict], key: str, value: str) -> str:
    chosen = [r for r in rows if r[key] == value]
    if not chosen:
        return "–"
    share = f"{100 * sum(r['correct'] for r in chosen) / len(chosen):.0f}%"
    if value == "description":
        share += f", {100 * sum(r['recall'] for r in chosen) / len(chosen):.0f}% named"
    if value == "transcription":
        share += f", CER {100 * sum(r['cer'] for r in chosen) / len(chosen):.1f}%"
    return f"{share} ({len(chosen)})"


def table(results: dict) -> str:
    """Families and skills by mode. Descriptions: all elements named (and the mean share named); transcriptions:
    CER ≤ 5% (and the mean CER). 'short answers' is the exact match over every question but those two."""
    modes = list(results)
    header = "| | " + " | ".join(MODES[m] for m in modes) + " |\n|---|" + "---|" * len(modes) + "\n"
    lines = [f"| family: {family} | " + " | ".join(cell(results[m], "family", family) for m in modes) + " |"
             for family in (*FAMILIES, FAMILY)]
    lines += [f"| skill: {kind} | " + " | ".join(cell(results[m], "kind", kind) for m in modes) + " |" for kind in KINDS]

    def short(rows: list[dict]) -> str:
        chosen = [r for r in rows if r["kind"] not in MAX_TOKENS]
        return f"{100 * sum(r['correct'] for r in chosen) / len(chosen):.0f}% ({len(chosen)})"

    lines.append("| **short answers** | " + " | ".join(short(results[m]) for m in modes) + " |")
    ended = [f"{100 * sum(r['ended'] for r in results[m] if r['kind'] not in MAX_TOKENS) / max(1, sum(r['kind'] not in MAX_TOKENS for r in results[m])):.0f}%"
             for m in modes]
    lines.append("| short answers ending with `<|endofchunk|>` | " + " | ".join(ended) + " |")
    return header + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="infimm.train.evaluate")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write-set")
    w.add_argument("--out", required=True)
    w.add_argument("--samples", type=int, default=12)
    w.add_argument("--captures", help="held-out real workbench screenshots")
    c = sub.add_parser("score")
    c.add_argument("--set", required=True)
    c.add_argument("--checkpoint", help="the package's checkpoint folder, for the PyTorch ablations")
    c.add_argument("--ablations", default="thumbnail,blank")
    c.add_argument("--json", help="also write every answer here")
    t = sub.add_parser("torch")
    t.add_argument("--checkpoint", required=True)
    t.add_argument("--set", required=True)
    t.add_argument("--modes", default="thumbnail,blank")
    t.add_argument("--json", help="also write every answer here")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.command == "write-set":
        write_set(args.out, args.samples, args.captures)
        return
    if args.command == "torch":
        results = evaluate_torch(args.checkpoint, args.set, args.modes.split(","))
    else:
        results = score_set(args.set)
        if args.checkpoint:
            results.update(evaluate_torch(args.checkpoint, args.set, args.ablations.split(",")))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print(table(results))


if __name__ == "__main__":
    main()
