"""Checks of the GPU training path (pipeline.py --device/--workers/--export, export.py), run by gpu-train.test.ts with
python/ on sys.path. Each prints one JSON object; the TypeScript side asserts on it.

    gpu_train_checks.py loader DIR               DataLoader workers (StageBatches) against the in-process make_batch
    gpu_train_checks.py export CHECKPOINT TRAINED an assembled export against the trained float32 checkpoint, and
                                                 a mix of two exports refused
    gpu_train_checks.py base DIR                 the `base` preset's export: shard sizes and files, at full size
"""
import json
import os
import shutil
import sys
from dataclasses import replace

import torch

from infimm.model import InfiMMHD
from infimm.reference import canonical_state_dict, load_reference
from infimm.tokenization import InfimmTokenizer
from infimm.train import export, pipeline


def loader(folder):
    """For every stage, with another batch size and a start index mid-run: the first 5 steps from 2 workers
    equal make_batch's over the same indices (ids, labels, every view's pixels bit for bit, grids)."""
    path = f"{folder}/tokenizer.model"
    pipeline.train_vocabulary(path, 400, samples_per_family=8)
    tokenizer = InfimmTokenizer(path)
    results = {}
    for stage in pipeline.STAGES:
        stage = replace(stage, batch=3)
        first = 1000 + 7
        source = iter(pipeline.stage_loader(path, stage, first, stage.batch, 0, 2, torch.device("cpu"), pipeline.RealImages()))
        same, views = True, 0
        for step in range(5):
            ids, labels, images = pipeline.on_device(next(source), torch.device("cpu"))
            start = first + step * stage.batch
            want_ids, want_labels, want_images = pipeline.make_batch(tokenizer, stage, range(start, start + stage.batch))
            same &= torch.equal(ids, want_ids) and torch.equal(labels, want_labels) and len(images) == len(want_images)
            for (pixels, rows, cols), (want, want_rows, want_cols) in zip(images, want_images):
                same &= pixels.dtype == torch.float32 and torch.equal(pixels, want) and (rows, cols) == (want_rows, want_cols)
                views += pixels.shape[0]
        del source
        results[stage.name] = {"same": bool(same), "views": views}
    return results


def export_check(checkpoint, trained):
    """The assembled checkpoint (export.py assemble) loads with load_reference and holds the trained weights
    rounded to bf16, every tensor; a folder whose shard is from another export is refused."""
    assembled = load_reference(checkpoint, torch.float32)
    reference = load_reference(trained, torch.float32)
    want = canonical_state_dict(reference)
    got = canonical_state_dict(assembled)
    equal = set(got) == set(want) and all(torch.equal(got[k], want[k].to(torch.bfloat16).to(torch.float32)) for k in want)
    # Not vacuous: bf16 rounding changed some weights.
    rounded = sum(not torch.equal(want[k], want[k].to(torch.bfloat16).to(torch.float32)) for k in want)
    # Two exports of one model with different tags, one shard swapped: refused.
    scratch = os.path.join(os.path.dirname(checkpoint), "mixed")
    tokenizer = os.path.join(checkpoint, "tokenizer.model")
    export.export_shards(reference, tokenizer, f"{scratch}/a", {"samples": 1})
    files = export.export_shards(reference, tokenizer, f"{scratch}/b", {"samples": 2})
    shard = next(f for f in files if f.endswith(".safetensors"))
    shutil.copyfile(f"{scratch}/a/{shard}", f"{scratch}/b/{shard}")
    try:
        export.load_export(f"{scratch}/b")
        refused = ""
    except ValueError as error:
        refused = str(error)
    return {"equal": equal, "tensors": len(want), "rounded": int(rounded), "mixed_refused": refused,
            "dtype": str(next(iter(got.values())).dtype)}


def base(folder):
    """The GPU run's preset at full size with the 4,096-piece vocabulary of prepare-train.sh: its export's files
    and their sizes (the device tool brings back at most 8 files of at most 16 MiB), read back exactly."""
    torch.manual_seed(0)
    model = InfiMMHD(pipeline.preset("base", 4096 + 2))
    pipeline.init_weights(model)
    tokenizer = f"{folder}/tokenizer.model"
    with open(tokenizer, "wb") as f:
        f.write(b"placeholder")
    files = export.export_shards(model, tokenizer, f"{folder}/model", {"samples": 0})
    back = canonical_state_dict(export.load_export(f"{folder}/model"))
    exact = all(torch.equal(back[k], v.to(torch.bfloat16).to(torch.float32)) for k, v in canonical_state_dict(model).items())
    return {"parameters": sum(v.numel() for v in canonical_state_dict(model).values()),
            "files": {name: os.path.getsize(f"{folder}/model/{name}") for name in sorted(os.listdir(f"{folder}/model"))},
            "listed": sorted(files), "exact": exact}


if __name__ == "__main__":
    torch.set_num_threads(1)
    command = sys.argv[1]
    result = {"loader": lambda: loader(sys.argv[2]), "export": lambda: export_check(sys.argv[2], sys.argv[3]),
              "base": lambda: base(sys.argv[2])}[command]()
    print(json.dumps(result))
