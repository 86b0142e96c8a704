"""Writes the checkpoint fixtures of test/checkpoint with torch and python/infimm/checkpoint_io.py.

usage: fixtures.py OUT_DIR SET...   (sets: tensors, model, bad)

Every tensor's expected contents are dumped beside it: expected/<group>/<name>.bin holds its bytes in
its own dtype (C order), expected/<group>/<name>.f32 the same values as float32; manifest.json lists
names, dtypes and shapes.
"""
import collections
import io
import json
import os
import pickle
import sys
import zipfile

import torch
from torch import nn

from infimm.checkpoint_io import (repack_zip, save_safetensors, save_sharded_safetensors,
                                  save_sharded_torch, tensor_bytes)

OUT = sys.argv[1]
SETS = set(sys.argv[2:])
DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
          torch.uint8: "U8", torch.bool: "BOOL"}
manifest = {"groups": {}, "aliases": {}}


def path(*parts):
    p = os.path.join(OUT, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def expect(group, tensors):
    manifest["groups"][group] = {}
    for name, t in tensors.items():
        with open(path("expected", group, name + ".bin"), "wb") as f:
            f.write(tensor_bytes(t))
        with open(path("expected", group, name + ".f32"), "wb") as f:
            f.write(tensor_bytes(t.float()))
        manifest["groups"][group][name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape)}


def reference_tensors():
    torch.manual_seed(0)
    big = torch.randn(10, 8)
    return {
        "f32": torch.randn(3, 5),
        "f16": torch.randn(4, 6).half(),
        "bf16": torch.randn(2, 3, 4).bfloat16(),
        "f64": torch.randn(5, dtype=torch.float64),
        "i64": torch.randint(-1000, 1000, (7,)),
        "i32": torch.randint(-1000, 1000, (2, 3), dtype=torch.int32),
        "i16": torch.randint(-1000, 1000, (4,), dtype=torch.int16),
        "i8": torch.randint(-128, 127, (5,), dtype=torch.int8),
        "u8": torch.randint(0, 255, (6,), dtype=torch.uint8),
        "bool": torch.rand(5) > 0.5,
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 4),
        "f32_special": torch.tensor([float("nan"), float("inf"), -float("inf"), -0.0, 1e-45, 3.4e38]),
        "f16_special": torch.tensor([6e-8, -6.1e-5, 65504.0, float("nan"), -float("inf"), -0.0]).half(),
        "bf16_special": torch.tensor([1e-40, -3.0e38, float("nan"), float("inf"), -0.0]).bfloat16(),
        "big": big,
        "big_rows": big[3:7],  # storage offset, contiguous
        "big_window": big[2:5, 1:6],  # storage offset, strided
        "transposed": torch.randn(6, 4).t(),
        "bf16_transposed": torch.randn(5, 3).bfloat16().t(),
        "f64_transposed": torch.randn(3, 2, dtype=torch.float64).t(),
        "expanded": torch.randn(1, 3).expand(4, 3),  # stride 0
        "permuted": torch.randn(2, 3, 4).permute(2, 0, 1),
    }


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(4, 4)
        self.k_proj = nn.Linear(4, 4, bias=False)


class DecoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn = Attention()
        self.input_layernorm = nn.LayerNorm(4)


class FlamingoLayer(nn.Module):
    def __init__(self, decoder_layer):
        super().__init__()
        self.decoder_layer = decoder_layer


class LanguageModel(nn.Module):
    """Registers each decoder layer twice, as the Flamingo wrapper does."""

    def __init__(self):
        super().__init__()
        self.old_decoder_blocks = nn.ModuleList([DecoderLayer() for _ in range(2)])
        self.model = nn.Module()
        self.model.layers = nn.ModuleList([FlamingoLayer(d) for d in self.old_decoder_blocks])
        self.embed = nn.Embedding(6, 4)


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.lang_encoder = LanguageModel()


def alias_groups(sd):
    groups = {}
    for name, t in sd.items():
        groups.setdefault((t.data_ptr(), t.storage_offset(), tuple(t.shape), t.stride()), []).append(name)
    return sorted(sorted(g) for g in groups.values())


if "tensors" in SETS:
    ref = reference_tensors()
    expect("tensors", ref)
    torch.save(ref, path("torch", "plain.pt"))
    repack_zip(path("torch", "plain.pt"), path("torch", "zip64.pt"), zip64=True)
    repack_zip(path("torch", "plain.pt"), path("torch", "deflated.pt"), deflate=True)
    repack_zip(path("torch", "plain.pt"), path("torch", "far.pt"), zip64=True, gap=5 << 30)
    save_sharded_torch(ref, os.path.join(OUT, "torch", "sharded"), 200)
    save_safetensors(ref, path("safetensors", "model.safetensors"), {"format": "pt"})
    save_sharded_safetensors(ref, os.path.join(OUT, "safetensors", "sharded"), 200)

if "model" in SETS:
    torch.manual_seed(1)
    model = Tiny()
    saved = {}
    for dtype, label in [(torch.float32, "f32"), (torch.float16, "f16"), (torch.bfloat16, "bf16")]:
        saved[label] = sd = model.to(dtype).state_dict()  # .to() gives new tensors; sd keeps these values
        expect("model_" + label, sd)
        torch.save(sd, path("torch", f"model_{label}.bin"))
        manifest["aliases"][label] = alias_groups(sd)
    sd = saved["f32"]
    extra = torch.arange(6.0).reshape(2, 3)
    torch.save({"state_dict": sd, "epoch": 3, "optimizer": {"lr": 0.1, "betas": (0.9, 0.99)},
                "model": {"extra": {"w": extra}}, "history": [extra]}, path("torch", "nested.pt"))
    expect("nested", {**{"state_dict." + k: v for k, v in sd.items()}, "model.extra.w": extra})
    torch.save(sd, path("torch", "folder", "pytorch_model.bin"))


class Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


if "bad" in SETS:
    marker = path("bad", "pwned")
    ones = torch.ones(2)
    torch.save({"w": ones, "x": Evil(os.system, f"touch {marker}")}, path("bad", "evil_system.pt"))
    torch.save({"w": ones, "x": Evil(eval, f"open({marker!r}, 'w')")}, path("bad", "evil_eval.pt"))
    torch.save(nn.Linear(2, 2), path("bad", "module.pt"))
    torch.save({"c": torch.zeros(2, dtype=torch.complex64)}, path("bad", "complex.pt"))
    torch.save({"w": ones}, path("bad", "legacy.pt"), _use_new_zipfile_serialization=False)
    with zipfile.ZipFile(path("bad", "bytes_storage.pt"), "w") as z:
        # A tensor pickled with plain pickle carries its storage as torch.storage._load_from_bytes.
        z.writestr("archive/data.pkl", pickle.dumps({"w": ones}, protocol=2))
    torch.save({"w": torch.arange(8.0)}, path("bad", "whole.pt"))
    with zipfile.ZipFile(path("bad", "whole.pt")) as src, zipfile.ZipFile(path("bad", "short_storage.pt"), "w") as dst, \
            zipfile.ZipFile(path("bad", "missing_storage.pt"), "w") as missing:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, data[: len(data) // 2] if info.filename.endswith("/data/0") else data)
            if not info.filename.endswith("/data/0"):
                missing.writestr(info.filename, data)
    with zipfile.ZipFile(path("bad", "view_overflow.pt"), "w") as z:
        # A view of 4 elements from offset 2 of a 4-element storage, which torch.save never writes.
        storage = object()

        class View:
            def __reduce__(self):
                return (torch._utils._rebuild_tensor_v2, (storage, 2, (4,), (1,), False, collections.OrderedDict()))

        class Pickler(pickle.Pickler):
            def persistent_id(self, obj):
                return ("storage", torch.FloatStorage, "0", "cpu", 4) if obj is storage else None

        buffer = io.BytesIO()
        Pickler(buffer, protocol=2).dump({"w": View()})
        z.writestr("archive/data.pkl", buffer.getvalue())
        z.writestr("archive/data/0", bytes(16))

with open(path("manifest.json"), "w") as f:
    json.dump(manifest, f)
