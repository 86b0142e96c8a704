"""A random-weight InfiMM-HD checkpoint at any size up to the released one, written tensor by tensor.

    python3 -m infimm.stream_checkpoint --size released --tokenizer TOKENIZER.model --out DIR [--seed S] [--prefix P]
    python3 -m infimm.stream_checkpoint --size released --dry-run

writes DIR/pytorch_model.bin, config.json, tokenizer.model and added_tokens.json, laid out as the released
checkpoint is (shared/notes: one torch.save zip of bf16 storages, ~36 GB at the released size): the Flamingo
wrapper's aliased keys (`lang_encoder.old_decoder_blocks.*`, `lang_encoder.gated_cross_attn_layers.*`) sharing
storages with `lang_encoder.model.layers.*`, and the LLaMA layers' `rotary_emb.inv_freq` buffers. `--prefix`
puts every key under a wrapper (the HF model class stores the Flamingo module as `model`). The tokenizer's
pieces + the two added tokens (`<|endofchunk|>`, `<image>`) must make the vocabulary of the size (32,002 for
`released`). `--dry-run` writes nothing and prints the bytes the archive would have.

torch.save needs the whole state dict in memory (72 GB in fp32 at the released size), so this writes the zip
and the pickle itself with zipfile and pickle: first data.pkl, which needs only the keys and shapes, then each
storage, made from its own seed (reference.random_tensor) and dropped once written, so at most one tensor is in
memory. Records are 64-byte aligned as torch.save aligns them; zipfile adds ZIP64 records past 4 GiB.
"""
import argparse
import io
import json
import os
import pickle
import shutil
import struct
import zipfile
from collections import OrderedDict
from unittest import mock

import torch
from torch.overrides import TorchFunctionMode

from .config import CrossAttentionConfig, InfimmConfig, LanguageConfig, VisionConfig
from .model import InfiMMHD
from .reference import PRESETS, random_tensor

SIZES = {
    **PRESETS,
    # EVA-02-CLIP-E/14 at 448 px, Vicuna-13B, ten gated cross-attention blocks: the dataclasses' defaults.
    "released": lambda vocab: InfimmConfig(
        visual=VisionConfig(), language=LanguageConfig(vocab_size=vocab), cross=CrossAttentionConfig(),
        eoc_token_id=vocab - 2, image_token_id=vocab - 1,
    ),
}
RELEASED_VOCAB = 32002
ROTARY = "self_attn.rotary_emb.inv_freq"
ALIGN = 64


class _MetaDevice(TorchFunctionMode):
    """Creates every tensor on the meta device: the model's structure (keys, shapes, aliases) without its memory."""

    FACTORIES = {torch.empty, torch.zeros, torch.ones, torch.full, torch.randn, torch.rand, torch.arange, torch.tensor}

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func in self.FACTORIES:
            kwargs["device"] = "meta"
        return func(*args, **kwargs)


def layout(config: InfimmConfig, prefix: str = ""):
    """The state dict's keys in order, each with its storage's index, and the storages: (name, shape), where
    name is the first key without prefix (what random_tensor is seeded with). Aliases share one storage."""
    with _MetaDevice():
        model = InfiMMHD(config)
    storages, keys, index = [], [], {}

    def add(key, owner, name, shape):
        if owner not in index:
            index[owner] = len(storages)
            storages.append((name, tuple(shape)))
        keys.append((prefix + key, index[owner]))

    for key, p in model.state_dict(keep_vars=True).items():
        add(key, id(p), key, p.shape)
        if key.endswith("self_attn.o_proj.weight"):  # the buffer follows the attention's weights, as HF's LLaMA registers it
            rotary = key[: -len("o_proj.weight")] + "rotary_emb.inv_freq"
            add(rotary, ("rotary", id(p)), rotary, [config.language.head_dim // 2])
    return keys, storages


def storage_value(config: InfimmConfig, name: str, shape, seed: int) -> torch.Tensor:
    """A storage's values in bf16, the same each time for the same seed."""
    if name.endswith(ROTARY):
        hd = config.language.head_dim
        value = 1.0 / (config.language.rope_theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    else:
        value = random_tensor(name, shape, seed)
    return value.to(torch.bfloat16)


class _StorageRef:
    def __init__(self, key: str, numel: int):
        self.key, self.numel = key, numel


class _TensorRef:
    """Pickles as torch.save pickles a contiguous tensor: _rebuild_tensor_v2(storage, offset, size, stride, ...)."""

    def __init__(self, storage: _StorageRef, shape):
        self.storage, self.shape = storage, tuple(shape)

    def __reduce__(self):
        stride, step = [], 1
        for n in reversed(self.shape):
            stride.insert(0, step)
            step *= n
        return torch._utils._rebuild_tensor_v2, (self.storage, 0, self.shape, tuple(stride), False, OrderedDict())


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ("storage", torch.BFloat16Storage, obj.key, "cpu", obj.numel)
        return None


def data_pickle(keys, storages) -> bytes:
    refs = [_StorageRef(str(i), max(1, int(torch.Size(shape).numel()))) for i, (_, shape) in enumerate(storages)]
    state = OrderedDict((key, _TensorRef(refs[i], storages[i][1])) for key, i in keys)
    out = io.BytesIO()
    _Pickler(out, protocol=2).dump(state)
    return out.getvalue()


def _write_record(archive: zipfile.ZipFile, name: str, data) -> None:
    """One stored record whose data starts on a 64-byte boundary (padding in an extra field, as torch.save does)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = memoryview(data).nbytes
    start = archive.fp.tell() + 30 + len(name.encode()) + 4
    pad = -start % ALIGN
    info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad
    with archive.open(info, "w") as f:
        f.write(data)


def write_archive(fileobj, archive_name: str, config: InfimmConfig, prefix: str, seed: int, data=None) -> None:
    """`data(name, shape)`: a storage's bytes; by default storage_value's."""
    keys, storages = layout(config, prefix)
    if data is None:
        data = lambda name, shape: storage_value(config, name, shape, seed).reshape(-1).view(torch.uint8).numpy()
    with zipfile.ZipFile(fileobj, "w", allowZip64=True) as archive:
        _write_record(archive, f"{archive_name}/data.pkl", data_pickle(keys, storages))
        for i, (name, shape) in enumerate(storages):
            _write_record(archive, f"{archive_name}/data/{i}", data(name, shape))
        _write_record(archive, f"{archive_name}/version", b"3\n")


class _LengthOnly:
    """A seekable file that keeps only its length."""

    def __init__(self):
        self.position = self.size = 0

    def write(self, data):
        n = memoryview(data).nbytes
        self.position += n
        self.size = max(self.size, self.position)
        return n

    def tell(self):
        return self.position

    def seek(self, offset, whence=0):
        self.position = offset if whence == 0 else (self.position + offset if whence == 1 else self.size + offset)
        return self.position

    def flush(self):
        pass


def archive_bytes(config: InfimmConfig, prefix: str = "") -> int:
    """The size of the archive write_archive makes, found by writing it to _LengthOnly with zero-filled storages
    (calloc'd, never touched) and no CRCs: the same records, offsets and ZIP64 decisions, nothing computed or kept."""
    zeros = memoryview(bytes(max(torch.Size(shape).numel() for _, shape in layout(config)[1]) * 2))
    sink = _LengthOnly()
    with mock.patch.object(zipfile, "crc32", lambda data, crc=0: 0):
        write_archive(sink, "pytorch_model", config, prefix, 0, lambda _name, shape: zeros[: torch.Size(shape).numel() * 2])
    return sink.size


def write_checkpoint(out: str, config: InfimmConfig, tokenizer: str, prefix: str = "", seed: int = 0) -> None:
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "pytorch_model.bin"), "wb") as f:
        write_archive(f, "pytorch_model", config, prefix, seed)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({**config.to_json(), "torch_dtype": "bfloat16", "transformers_version": "4.35.2"}, f, indent=2)
        f.write("\n")
    shutil.copyfile(tokenizer, os.path.join(out, "tokenizer.model"))
    with open(os.path.join(out, "added_tokens.json"), "w") as f:
        json.dump({"<|endofchunk|>": config.eoc_token_id, "<image>": config.image_token_id}, f)


def main() -> None:
    parser = argparse.ArgumentParser(prog="infimm.stream_checkpoint")
    parser.add_argument("--size", choices=sorted(SIZES), default="released")
    parser.add_argument("--tokenizer", help="a SentencePiece model; the vocabulary is its size + 2")
    parser.add_argument("--out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    if args.tokenizer:
        import sentencepiece

        vocab = sentencepiece.SentencePieceProcessor(model_file=args.tokenizer).vocab_size() + 2
    elif args.dry_run:
        vocab = RELEASED_VOCAB
    else:
        parser.error("--tokenizer is needed to write a checkpoint")
    if args.size == "released" and vocab != RELEASED_VOCAB:
        parser.error(f"the released size needs a 32,000-piece tokenizer (this one makes a vocabulary of {vocab})")
    config = SIZES[args.size](vocab)
    if args.dry_run:
        print(archive_bytes(config, args.prefix))
    elif args.out:
        write_checkpoint(args.out, config, args.tokenizer, args.prefix, args.seed)
    else:
        parser.error("--out is needed")


if __name__ == "__main__":
    main()
