"""Checks of the training pipeline, run by pipeline.test.ts with python/ on sys.path. Each prints one JSON
object; the TypeScript side asserts on it.

    checks.py generators         fingerprints of samples: twice the same seed, another seed, the held-out split
    checks.py parity             batched.logits against InfiMMHD.logits on right-padded sequences with images
    checks.py smoke DIR          a vocabulary and a few steps of every stage of a tiny model; loss before and after
    checks.py ocr                the simulated OCR and the OCR context in training examples
"""
import hashlib
import json
import random
import sys
from dataclasses import replace

import torch
from PIL import Image

from infimm.data import FAMILIES, Sample, sample
from infimm.model import InfiMMHD
from infimm.reference import PRESETS, randomize
from infimm.data.ocr import reading_lines, simulate
from infimm.data.real_ocr import load_pool, pool_sample
from infimm.ocr_context import HEADER
from infimm.tokenization import IGNORE_INDEX, InfimmTokenizer, Turn
from infimm.train import batched, pipeline
from infimm.train.vocab import transfer_embeddings
from infimm.train.examples import FORMATS, context_for, copy_turns, pad, position_turn, transcription
from infimm.train.views import make_views


def fingerprint(family, seed, held_out=False):
    s = sample(family, seed, held_out)
    digest = hashlib.sha256(s.image.tobytes() + repr((s.image.size, s.caption, s.qa)).encode()).hexdigest()
    return {"digest": digest, "size": list(s.image.size), "questions": len(s.qa),
            "answers_nonempty": all(q.answer.strip() for q in s.qa)}


def generators():
    return {f: {"first": fingerprint(f, 3), "again": fingerprint(f, 3), "other": fingerprint(f, 4),
                "held_out": fingerprint(f, 3, True)} for f in FAMILIES}


def parity():
    torch.manual_seed(0)
    config = PRESETS["tiny"](64)
    model = InfiMMHD(config).to(torch.float64)
    randomize(model, 1, torch.float64)
    model.eval()
    image_id = config.image_token_id
    rng = random.Random(0)
    # Text before the image (no cross-attention there), different lengths, different grids.
    sequences = [[1, 5, image_id] + [rng.randrange(3, 60) for _ in range(9)],
                 [1, image_id] + [rng.randrange(3, 60) for _ in range(4)]]
    images = [make_views(sample("chart", 0).image, 28, "dynamic"), make_views(sample("ui", 0).image, 28, "single")]
    images = [(p.to(torch.float64), r, c) for p, r, c in images]
    with torch.no_grad():
        media, mask = batched.image_media(model, images, grad=False)
        out = batched.logits(model, pad(sequences, 0), media, mask)
        text_only = batched.logits(model, pad([[1, 7, 8, 9]], 0))
        diffs = []
        for b, (ids, (pixels, rows, cols)) in enumerate(zip(sequences, images)):
            one = model.image_media(model.vision_encoder(pixels), rows, cols)
            expected = model.logits(torch.tensor(ids), [one])
            diffs.append(float((out[b, : len(ids)] - expected).abs().max()))
        diffs.append(float((text_only[0] - model.logits(torch.tensor([1, 7, 8, 9]), [])).abs().max()))
        # The comparison is not vacuous: the first sequence's logits after its image change with the image.
        swapped = batched.logits(model, pad(sequences[:1], 0), media[1:], mask[1:])
        image_effect = float((swapped[0, 2:] - out[0, 2:]).abs().max())
        before_image = float((swapped[0, :2] - out[0, :2]).abs().max())
        # The training loss (projected at supervised positions only) is the mean cross-entropy of all logits'.
        labels = pad([[IGNORE_INDEX] * 5 + ids[5:] for ids in sequences[:1]] + [[IGNORE_INDEX] * 3 + sequences[1][3:]],
                     IGNORE_INDEX)
        loss = pipeline.Loss(model)(pad(sequences, 0), labels, images)
        expected = torch.nn.functional.cross_entropy(out[:, :-1].reshape(-1, out.shape[-1]), labels[:, 1:].reshape(-1),
                                                     ignore_index=IGNORE_INDEX)
    return {"max_abs_diff": max(diffs), "image_effect": image_effect, "before_image_diff": before_image,
            "views": [int(p.shape[0]) for p, _, _ in images], "loss_diff": float((loss - expected).abs()),
            "loss": float(loss)}


def smoke(folder):
    """Two steps of every stage of the tiny preset (the run's own code path), then two more runs: one that
    finds the run finished and one that resumes it."""
    torch.manual_seed(0)
    path = f"{folder}/tokenizer.model"
    pipeline.train_vocabulary(path, 400, samples_per_family=8)
    tokenizer = InfimmTokenizer(path)
    stage = pipeline.STAGES[-1]
    held = pipeline.make_batch(tokenizer, replace(stage, batch=6), range(10_000, 10_006))

    def held_loss(model):
        with torch.no_grad():
            return pipeline.Loss(model)(*held).item()

    torch.manual_seed(0)
    start = InfiMMHD(pipeline.preset("tiny", tokenizer.vocab_size))
    pipeline.init_weights(start)
    before = held_loss(start)
    model = pipeline.run(folder, 0, "tiny", lambda line: None, steps=6, vocab_size=400)
    summary = json.load(open(f"{folder}/summary.json"))
    config = json.load(open(f"{folder}/checkpoint/config.json"))
    again = pipeline.run(folder, 0, "tiny", lambda line: None, steps=6, vocab_size=400)
    same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), again.state_dict().values()))
    # Continued training of the finished model: two of the stages, new samples, its tokenizer.
    more = f"{folder}/continued"
    continued = pipeline.run(more, 0, "tiny", lambda line: None, steps=3, init=f"{folder}/checkpoint", stages="ift,copy,dra",
                             lr_scale=0.5, first_sample=1000)
    continued_summary = json.load(open(f"{more}/summary.json"))
    # …and with a new vocabulary (450 pieces instead of 400), the checkpoint's rows moved over.
    revocab = f"{folder}/new-vocab"
    pipeline.run(revocab, 0, "tiny", lambda line: None, steps=1, vocab_size=450, init=f"{folder}/checkpoint",
                 stages="ift", first_sample=2000, new_vocab=True)
    try:
        pipeline.selected_stages("dra,sft")
        unknown_stage = None
    except ValueError as error:
        unknown_stage = str(error)
    return {"before": before, "after": held_loss(model), "stages": [s["stage"] for s in summary],
            "steps": [s["steps"] for s in summary], "gates_start": pipeline.gates(start), "gates": pipeline.gates(model),
            "ocr_context": config.get("ocr_context"), "resumed_same": same,
            "continued": {"stages": [s["stage"] for s in continued_summary],
                          "samples": continued_summary[-1]["samples_total"],
                          "same_tokenizer": open(path, "rb").read() == open(f"{more}/tokenizer.model", "rb").read(),
                          "changed": not all(torch.equal(a, b) for a, b in zip(model.state_dict().values(),
                                                                                continued.state_dict().values())),
                          "after": held_loss(continued), "shares": [s.share for s in pipeline.selected_stages("dra,ift")],
                          "default_stages": [s.name for s in pipeline.selected_stages(None)],
                          "unknown_stage": unknown_stage},
            "new_vocab": transferred(f"{folder}/checkpoint", revocab)}


def transferred(checkpoint, folder):
    """What vocab.transfer_embeddings made of the checkpoint's rows for the new vocabulary in `folder`."""
    old, new = InfimmTokenizer(f"{checkpoint}/tokenizer.model"), InfimmTokenizer(f"{folder}/tokenizer.model")
    state = torch.load(f"{checkpoint}/pytorch_model.bin")
    moved = transfer_embeddings(state, old, new)
    key = "lang_encoder.model.embed_tokens.weight"
    pieces = [new.sp.id_to_piece(i) for i in range(new.end_of_chunk)]
    kept = [i for i, p in enumerate(pieces) if old.sp.piece_to_id(p) != old.sp.unk_id()]
    fresh = [i for i, p in enumerate(pieces) if old.sp.piece_to_id(p) == old.sp.unk_id() and i != new.sp.unk_id()]
    spelt = next(i for i in fresh if "▁" not in pieces[i][1:])
    spelling = old.sp.encode(pieces[spelt].removeprefix("▁"))
    return {"sizes": [old.vocab_size, new.vocab_size], "rows": list(moved[key].shape), "fresh": len(fresh),
            "kept_equal": all(torch.equal(moved[key][i], state[key][old.sp.piece_to_id(pieces[i])]) for i in kept),
            "added_equal": torch.equal(moved[key][new.end_of_chunk:], state[key][old.end_of_chunk:]),
            "fresh_is_mean_of_spelling": torch.allclose(moved[key][spelt], state[key][spelling].mean(0)),
            "others_equal": all(torch.equal(moved[k], v) for k, v in state.items() if v.shape[:1] != (old.vocab_size,))}


def copy_drill(tokenizer):
    """The copy stage's conversations: only "text at [r,c]" questions about distinct lines, each answered by the
    one context line at that position, the loss on those answers alone."""
    turns, wrong, supervised_wrong = [], 0, 0
    for seed, family in enumerate(FAMILIES * 3):
        s = sample(family, seed)
        rng = random.Random(seed)  # copy_example's draws: the context, then the turns
        context = context_for(tokenizer, s, rng, 1.0, [])
        lines = [line.split(" ", 1) for line in context.split("\n")[1:] if line.startswith("[")]
        asked = copy_turns(context, rng)
        turns.append(len(asked))
        wrong += len({t.question for t in asked}) != len(asked)
        for t in asked:
            position = t.question.removeprefix("What is the text at ").removesuffix("?")
            wrong += [text for p, text in lines if p == position] != [t.answer]
        ids, labels = FORMATS["copy"](tokenizer, s, random.Random(seed))
        answers = tokenizer.sp.decode([l for l in labels if 0 <= l < tokenizer.end_of_chunk])
        supervised_wrong += answers.replace(" ", "") != "".join(t.answer for t in asked).replace(" ", "") and bool(asked)
    return {"turns": turns, "wrong": wrong, "supervised_wrong": supervised_wrong}


def ocr():
    """Simulated OCR: exact without noise, with the real stage's error kinds with it; examples carry the context."""
    exact, noisy, total = 0, 0, 0
    for family in FAMILIES:
        for seed in range(6):
            s = sample(family, seed)
            truth = transcription(s).split("\n")
            exact += [text for text, *_ in simulate(s.texts, random.Random(seed), 0, s.regions)] == truth
            noisy += [text for text, *_ in simulate(s.texts, random.Random(seed), 2, s.regions)] != truth
            total += 1
    folder = sys.argv[2]
    pipeline.train_vocabulary(f"{folder}/tokenizer.model", 400, samples_per_family=8)
    tokenizer = InfimmTokenizer(f"{folder}/tokenizer.model")
    header = tokenizer.sp.encode(HEADER)
    with_context = 0
    for seed in range(40):
        ids, _ = FORMATS["qa"](tokenizer, sample("ui", seed), random.Random(seed))
        with_context += any(ids[i:i + len(header)] == header for i in range(len(ids)))
    s = sample("ui", 0)
    # A real-OCR pool: an image named <family>-<seed>.png and the lines `npm run ocr -- --json` gave for it.
    sample("ui", 5).image.save(f"{folder}/ui-5.png")
    with open(f"{folder}/ocr.jsonl", "w") as f:
        f.write(json.dumps({"image": f"{folder}/ui-5.png", "text": "Read  by OCR", "box": [[4, 2], [60, 2], [60, 14], [4, 14]]}) + "\n")
    pool = load_pool(folder)
    pooled = pool_sample(pool[0])
    context = context_for(tokenizer, pooled, random.Random(0), 1.0, [])
    batch = pipeline.make_batch(tokenizer, pipeline.STAGES[2], range(0, 40), real=pipeline.RealImages(pool=pool))[0]
    # "What is the text at [r,c]?" only about a position no other line shares.
    asked = {position_turn("Text in the image:\n[0,0] File\n[0,0] Edit\n[9,8] Save\n", random.Random(seed)).answer
             for seed in range(10)}
    # With numbered code rows, also "What is on line N?" about a row whose number no other row has.
    numbered = "Text in the image:\n[0,0] File\n[2,1] 7: return x;\n[2,1] 8: }\n[3,1] 8: y\n"
    lookups = sorted({(t.question, t.answer) for t in (position_turn(numbered, random.Random(seed)) for seed in range(20))})
    # A full editor as read by OCR, 300 numbered rows: the context of a conversation whose first question names
    # row 250 holds it, past the budget's usual order.
    editor = Sample("captures", Image.new("RGB", (1600, 6000)), "", [], [],
                    ocr=[(f"const value{n} = compute(value{n - 1});", (40, 20 * n, 900, 20 * n + 16), 0, n)
                         for n in range(1, 301)])
    row_250 = [" 250: " in context_for(tokenizer, editor, random.Random(0), 1.0, turns)
               for turns in ([], [Turn("What is on line 250?", "const value250 = compute(value249);")])]
    # Two columns far apart are read column by column; texts close on a row join.
    columns = [(text, block) for text, _, block, _ in reading_lines(
        [("a", (0, 0, 10, 10)), ("b", (14, 0, 24, 10)), ("c", (100, 0, 110, 10)), ("d", (0, 15, 10, 25)), ("e", (100, 15, 110, 25))])]
    # A synthetic workbench's panes (its regions) in blocks of their own: the Explorer's files never between code rows.
    bench = sample("workbench", 5)
    bench_lines = reading_lines(bench.texts, bench.regions)
    return {"total": total, "exact": exact, "noisy": noisy, "columns": columns, "copy": copy_drill(tokenizer),
            "workbench_blocks": [line[2] for line in bench_lines],
            "workbench_numbers": [(text, number) for text, _, _, number in bench_lines if number is not None], "workbench_lines": [text for text, *_ in bench_lines], "with_context": with_context, "position_answers": sorted(asked), "lookups": lookups,
            "transcription_has_title": s.qa[0].answer in transcription(s), "pool_context": context, "row_250": row_250,
            "pooled_rows": sum(tokenizer.sp.decode([t for t in row.tolist() if t < tokenizer.end_of_chunk]).count("Read by OCR")
                               for row in batch)}


if __name__ == "__main__":
    torch.set_num_threads(1)
    command = sys.argv[1]
    result = {"generators": generators, "parity": parity, "ocr": ocr}.get(command, lambda: smoke(sys.argv[2]))()
    print(json.dumps(result))
