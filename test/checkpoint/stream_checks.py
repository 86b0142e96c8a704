"""Checks of python/infimm/stream_checkpoint.py, run by stream-checkpoint.test.ts with python/ on sys.path. Each prints
one JSON object; the TypeScript side asserts on it.

    stream_checks.py readback DIR SIZE PREFIX SEED   torch.load of DIR/pytorch_model.bin against what the writer means to write
    stream_checks.py released                        the released size's archive bytes (a dry run) and its parameter count
    stream_checks.py depth                           logits of the released depths at a small width, with the writer's scales
"""
import json
import os
import sys
import zipfile
from dataclasses import replace

import torch

from infimm.config import CrossAttentionConfig, InfimmConfig, LanguageConfig, VisionConfig
from infimm.model import InfiMMHD
from infimm.reference import randomize
from infimm.stream_checkpoint import SIZES, archive_bytes, layout, storage_value


def readback(folder, size, prefix, seed):
    with open(os.path.join(folder, "config.json")) as f:
        config = InfimmConfig.from_json(json.load(f))
    path = os.path.join(folder, "pytorch_model.bin")
    state = torch.load(path, map_location="cpu")
    keys, storages = layout(config, prefix)
    mismatched, wrong_alias = [], []
    first_of = {}
    for key, i in keys:
        t = state.get(key)
        name, shape = storages[i]
        if t is None or t.dtype != torch.bfloat16 or tuple(t.shape) != shape or not torch.equal(t, storage_value(config, name, shape, seed)):
            mismatched.append(key)
            continue
        # Keys of one storage share it; keys of different storages do not.
        shares = first_of.setdefault(i, t).data_ptr() == t.data_ptr()
        clashes = any(j != i and u.data_ptr() == t.data_ptr() for j, u in first_of.items())
        if not shares or clashes:
            wrong_alias.append(key)
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        with open(path, "rb") as f:
            unaligned = []
            for info in infos:
                f.seek(info.header_offset + 26)
                name_len, extra_len = int.from_bytes(f.read(2), "little"), int.from_bytes(f.read(2), "little")
                if "/data/" in info.filename and (info.header_offset + 30 + name_len + extra_len) % 64:
                    unaligned.append(info.filename)
        records = [i.filename for i in infos]
    with open(os.path.join(folder, "added_tokens.json")) as f:
        added = json.load(f)
    return {
        "keys": len(keys), "loaded_keys": len(state), "key_order_kept": list(state) == [k for k, _ in keys],
        "storages": len(storages), "aliased_keys": len(keys) - len(storages),
        "rotary_keys": sum(k.endswith("rotary_emb.inv_freq") for k, _ in keys),
        "mismatched": mismatched[:5], "wrong_alias": wrong_alias[:5], "unaligned": unaligned[:5],
        "records": [records[0], records[-1]], "file_bytes": os.path.getsize(path),
        "predicted_bytes": archive_bytes(SIZES[size](config.language.vocab_size), prefix),
        "added_tokens": added, "vocab": config.language.vocab_size,
    }


def released_parameters():
    """Counted from the architecture (shared/notes §2): the writer's layout must agree with it."""
    v, d, i, inner = 1792, 5120, 13824, 768
    vit = 1792 * 3 * 14 * 14 + v + v + 1025 * v + 64 * (4 * v + 3 * v * v + 2 * v + v * v + v + 2 * 15360 * v + 15360 + v) + 2 * v + 1024 * v + 1024
    llm = 2 * 32002 * d + d + 40 * (4 * d * d + 3 * i * d + 2 * d + 64)  # 64: each layer's rotary inv_freq buffer
    cross = 10 * (2 * d + inner * d + 2 * inner * v + d * inner + 2 * d + 2 * d + 2 * d * d)
    return vit + llm + cross


def released():
    keys, storages = layout(SIZES["released"](32002), "model.")
    return {"archive_bytes": archive_bytes(SIZES["released"](32002), "model."),
            "storage_bytes": sum(2 * torch.Size(s).numel() for _, s in storages),
            "parameters": released_parameters(), "keys": len(keys), "storages": len(storages)}


def depth():
    """The released depths (64 ViT blocks, 40 decoder layers, a block every 4) at a small width, bf16-rounded weights."""
    small = SIZES["tiny"](3002)
    config = InfimmConfig(
        visual=replace(small.visual, layers=64, mlp_ratio=VisionConfig().mlp_ratio),
        language=replace(small.language, num_hidden_layers=40),
        cross=CrossAttentionConfig(heads=2, dim_head=16, ff_mult=1, every_n_layers=4),
        eoc_token_id=3000, image_token_id=3001)
    model = InfiMMHD(config)
    randomize(model, 0, torch.bfloat16)
    model = model.to(torch.float32).eval()
    with torch.no_grad():
        pixels = torch.randn(2, 3, 28, 28, generator=torch.Generator().manual_seed(0))
        features = model.vision_encoder(pixels)
        media = model.image_media(features, 1, 1)
        ids = torch.tensor([1, 3001] + [5 + 37 * k % 2900 for k in range(62)])
        logits = model.logits(ids, [media])
    return {"features_finite": bool(torch.isfinite(features).all()), "features_std": float(features.std()),
            "logits_finite": bool(torch.isfinite(logits).all()), "logits_std": float(logits.std()),
            "top2_margin_median": float(logits.topk(2).values.diff(dim=-1).abs().median())}


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "readback":
        result = readback(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        result = {"released": released, "depth": depth}[command]()
    print(json.dumps(result))
