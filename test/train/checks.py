"""Checks of the training pipeline, run by pipeline.test.ts with python/ on sys.path. Each prints one JSON
object; the TypeScript side asserts on it.

    checks.py generators         fingerprints of samples: twice the same seed, another seed, the held-out split
    checks.py parity             batched.logits against InfiMMHD.logits on right-padded sequences with images
    checks.py smoke DIR          a vocabulary and a few training steps of a tiny model; loss before and after
"""
import hashlib
import json
import random
import sys
from dataclasses import replace

import torch

from infimm.data import FAMILIES, sample
from infimm.model import InfiMMHD
from infimm.reference import PRESETS, randomize
from infimm.tokenization import InfimmTokenizer
from infimm.train import batched, pipeline
from infimm.train.examples import pad
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
    return {"max_abs_diff": max(diffs), "image_effect": image_effect, "before_image_diff": before_image,
            "views": [int(p.shape[0]) for p, _, _ in images]}


def smoke(folder):
    torch.manual_seed(0)
    path = f"{folder}/tokenizer.model"
    pipeline.train_vocabulary(path, 400, samples_per_family=8)
    tokenizer = InfimmTokenizer(path)
    model = InfiMMHD(PRESETS["tiny"](tokenizer.vocab_size))
    pipeline.init_weights(model)
    stage = pipeline.Stage("ift", "chat", ("cross", "lm"), "dynamic", 28, 10, 2, 3e-3, 0.1, (0.9, 0.999), 1e-5)

    def held_loss():
        with torch.no_grad():
            return pipeline.loss_on(model, *pipeline.make_batch(tokenizer, replace(stage, batch=7), 10_000), False).item()

    before = held_loss()
    summary = pipeline.train_stage(model, tokenizer, stage, 0, lambda line: None)
    frozen_vision = all(not p.requires_grad for p in model.vision_encoder.parameters())
    return {"before": before, "after": held_loss(), "steps": summary["steps"], "vision_frozen": frozen_vision,
            "gates_moved": any(float(b.attn_gate.abs().max()) > 0 for b in model.lang_encoder.gated_cross_attn_layers if b)}


if __name__ == "__main__":
    torch.set_num_threads(1)
    command = sys.argv[1]
    result = {"generators": generators, "parity": parity}.get(command, lambda: smoke(sys.argv[2]))()
    print(json.dumps(result))
