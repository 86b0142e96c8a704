"""The trained model as bf16 safetensors shards small enough for the GPU machine's device tool to bring back (at
most 8 files of 16 MiB each), and those shards made back into a checkpoint folder.

    export_shards(model, tokenizer_path, DIR, metadata)     (pipeline.py --export DIR, at every save)
        DIR/model-0000i-of-0000n.safetensors   the canonical state dict (no Flamingo aliases) in bf16, keys sorted,
                                               each file ≤ 16 MiB; every shard's metadata carries the export's tag
        DIR/model.safetensors.index.json       weight map + metadata (total_size and the tag: samples, stages_done, minutes)
        DIR/config.json, DIR/tokenizer.model   as pipeline.save_checkpoint writes them (with ocr_context)
    Such a folder is itself a sharded checkpoint that `npm run convert` and reference.load_reference read.

    python3 -m infimm.train.export assemble --shards DIR --out DIR [--dtype f32|bf16]
        checks that every shard belongs to the same export, loads them into InfiMMHD and writes the pipeline's own
        checkpoint folder: pytorch_model.bin (torch.save of the full state dict, aliased keys sharing storage, as
        save_checkpoint writes it; float32 by default, the bf16 values widened exactly), config.json, tokenizer.model.

Each file is written beside its final name and renamed into place, shards first and the index last, so a run
stopped in the middle of an export leaves whole files; `assemble` refuses a mix of two exports.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil

import torch

from ..checkpoint_io import _shards, save_safetensors
from ..config import InfimmConfig
from ..model import InfiMMHD
from ..reference import canonical_state_dict, load_safetensors_folder
from .examples import OCR_CONTEXT_CONFIG

MAX_FILE_BYTES = 16 * 1024 * 1024
# Tensor bytes per shard: the rest of the 16 MiB is room for the header (a few hundred bytes a tensor).
SHARD_DATA_BYTES = MAX_FILE_BYTES - 512 * 1024
INDEX = "model.safetensors.index.json"


def _replace(path: str, write) -> None:
    write(path + ".tmp")
    os.replace(path + ".tmp", path)


def config_json(model: InfiMMHD) -> dict:
    config = model.config.to_json()
    config["ocr_context"] = dict(OCR_CONTEXT_CONFIG)
    return config


def export_shards(model: InfiMMHD, tokenizer_path: str, folder: str, metadata: dict) -> list[str]:
    """Writes the export (module docstring) and returns the names of the files it holds."""
    os.makedirs(folder, exist_ok=True)
    state = {name: t.detach().to("cpu", torch.bfloat16).contiguous() if t.is_floating_point() else t.detach().cpu()
             for name, t in canonical_state_dict(model).items()}
    tag = {key: str(value) for key, value in metadata.items()}
    groups = _shards(state, SHARD_DATA_BYTES)
    names = [f"model-{i:05d}-of-{len(groups):05d}.safetensors" for i in range(1, len(groups) + 1)]
    for name, keys in zip(names, groups):
        if sum(state[k].numel() * state[k].element_size() for k in keys) > SHARD_DATA_BYTES:
            raise ValueError(f"{keys[0]} alone is over {SHARD_DATA_BYTES} bytes: it cannot go into a 16 MiB shard")
        _replace(os.path.join(folder, name), lambda path, keys=keys: save_safetensors({k: state[k] for k in keys}, path, tag))
    for stale in glob.glob(os.path.join(folder, "model-*-of-*.safetensors")):  # from an export of another size
        if os.path.basename(stale) not in names:
            os.remove(stale)

    def write_json(data):
        def write(path):
            with open(path, "w") as f:
                json.dump(data, f, indent=2)
                f.write("\n")
        return write

    _replace(os.path.join(folder, "config.json"), write_json(config_json(model)))
    _replace(os.path.join(folder, "tokenizer.model"), lambda path: shutil.copyfile(tokenizer_path, path))
    total = sum(t.numel() * t.element_size() for t in state.values())
    index = {"metadata": {"total_size": total, **metadata},
             "weight_map": {k: name for name, keys in zip(names, groups) for k in keys}}
    _replace(os.path.join(folder, INDEX), write_json(index))
    return names + ["config.json", "tokenizer.model", INDEX]


def shard_metadata(path: str) -> dict:
    with open(path, "rb") as f:
        length = int.from_bytes(f.read(8), "little")
        return json.loads(f.read(length)).get("__metadata__", {})


def load_export(folder: str, dtype: torch.dtype = torch.float32) -> InfiMMHD:
    """The model of an export, after checking that its shards are all of the export its index names."""
    with open(os.path.join(folder, INDEX)) as f:
        index = json.load(f)
    tag = {key: str(value) for key, value in index["metadata"].items() if key != "total_size"}
    for name in sorted(set(index["weight_map"].values())):
        found = shard_metadata(os.path.join(folder, name))
        if found != tag:
            raise ValueError(f"{name} is from another export ({found}) than the index ({tag}): the run stopped "
                             "while exporting; use the shards of one export")
    state = load_safetensors_folder(folder)
    if set(state) != set(index["weight_map"]):
        raise ValueError("the shards do not hold exactly the tensors the index lists")
    model = InfiMMHD(InfimmConfig.load(os.path.join(folder, "config.json")))
    missing, unexpected = model.load_state_dict({k: v.to(torch.float32) for k, v in state.items()}, strict=False)
    aliases = ("lang_encoder.old_decoder_blocks.", "lang_encoder.gated_cross_attn_layers.")
    missing = [k for k in missing if not k.startswith(aliases)]
    if missing or unexpected:
        raise ValueError(f"export mismatch: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return model.to(dtype)


def assemble(shards: str, out: str, dtype: torch.dtype = torch.float32) -> dict:
    """The checkpoint folder of an export (module docstring); returns the export's metadata."""
    model = load_export(shards, dtype)
    os.makedirs(out, exist_ok=True)
    # torch.save of the full state dict: aliased keys share storages, as pipeline.save_checkpoint writes them.
    torch.save(model.state_dict(), os.path.join(out, "pytorch_model.bin"))
    for name in ("config.json", "tokenizer.model"):
        shutil.copyfile(os.path.join(shards, name), os.path.join(out, name))
    with open(os.path.join(shards, INDEX)) as f:
        return json.load(f)["metadata"]


def main() -> None:
    parser = argparse.ArgumentParser(prog="infimm.train.export")
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assemble", help="an export's shards → pytorch_model.bin + config.json + tokenizer.model")
    a.add_argument("--shards", required=True, help="the export folder (pipeline.py --export)")
    a.add_argument("--out", required=True, help="the checkpoint folder to write")
    a.add_argument("--dtype", choices=["f32", "bf16"], default="f32")
    args = parser.parse_args()
    metadata = assemble(args.shards, args.out, {"f32": torch.float32, "bf16": torch.bfloat16}[args.dtype])
    print(f"{args.out}: pytorch_model.bin, config.json, tokenizer.model from {json.dumps(metadata)}")


if __name__ == "__main__":
    main()
