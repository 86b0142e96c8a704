"""Command line of the PyTorch reference, driven by the parity tests.

    python3 -m infimm.reference random --preset tiny --vocab-size N --seed S --out DIR
            [--format torch|safetensors|sharded] [--prefix model.] [--dtype bf16|f32] [--tokenizer FILE]
        writes a random InfiMM-HD checkpoint folder: config.json, weights, tokenizer.model.
    python3 -m infimm.reference run --checkpoint DIR --request REQUEST.json --out DIR
        runs the reference on the request's inputs and writes the outputs as raw little-endian float32/int64
        files with an index `outputs.json`.

A request names raw float32 pixel files of each image's views (thumbnail + tiles, [V, 3, S, S]) with its grid,
the prompt token ids, and what to compute.
"""
import argparse
import json
import os
import shutil
import zlib
from collections import OrderedDict

import torch

from .checkpoint_io import save_safetensors, save_sharded_safetensors
from .config import CrossAttentionConfig, InfimmConfig, LanguageConfig, VisionConfig
from .model import InfiMMHD

PRESETS = {
    # Two cross-attention blocks (before decoder layers 3 and 7), MHA, 2×2 patches per view.
    "tiny": lambda vocab: InfimmConfig(
        visual=VisionConfig(image_size=28, patch_size=14, width=32, layers=2, head_width=16, mlp_ratio=2.0, embed_dim=16),
        language=LanguageConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=8,
                                num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=512),
        cross=CrossAttentionConfig(heads=2, dim_head=16, ff_mult=1, every_n_layers=4),
        eoc_token_id=vocab - 2, image_token_id=vocab - 1,
    ),
    # Grouped-query attention, cross-attention every 2 layers, ff_mult 2, 3×3 patches, EVA's odd MLP ratio.
    "tiny-gqa": lambda vocab: InfimmConfig(
        visual=VisionConfig(image_size=42, patch_size=14, width=48, layers=3, head_width=16, mlp_ratio=8.571428571428571, embed_dim=16),
        language=LanguageConfig(vocab_size=vocab, hidden_size=64, intermediate_size=96, num_hidden_layers=4,
                                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512, rope_theta=500.0),
        cross=CrossAttentionConfig(heads=4, dim_head=16, ff_mult=2, every_n_layers=2),
        eoc_token_id=vocab - 2, image_token_id=vocab - 1,
    ),
    # The benchmark sizes. About 27M parameters with a LLaMA-sized vocabulary.
    "nano": lambda vocab: InfimmConfig(
        visual=VisionConfig(image_size=224, patch_size=14, width=192, layers=6, head_width=64, mlp_ratio=4.0, embed_dim=128),
        language=LanguageConfig(vocab_size=vocab, hidden_size=256, intermediate_size=768, num_hidden_layers=8,
                                num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=2048),
        cross=CrossAttentionConfig(heads=4, dim_head=64, ff_mult=1, every_n_layers=4),
        eoc_token_id=vocab - 2, image_token_id=vocab - 1,
    ),
    # A ~1B-parameter language model (with its gated blocks) and a ViT-B-class vision tower: ~1.06B in all,
    # over 2 GB in bf16 (the conversion benchmark's size).
    "1b": lambda vocab: InfimmConfig(
        visual=VisionConfig(image_size=224, patch_size=14, width=768, layers=12, head_width=64, mlp_ratio=4.0, embed_dim=512),
        language=LanguageConfig(vocab_size=vocab, hidden_size=2048, intermediate_size=5632, num_hidden_layers=18,
                                num_attention_heads=16, num_key_value_heads=16, max_position_embeddings=2048),
        cross=CrossAttentionConfig(heads=12, dim_head=64, ff_mult=1, every_n_layers=4),
        eoc_token_id=vocab - 2, image_token_id=vocab - 1,
    ),
}


def tensor_generator(seed: int, name: str) -> torch.Generator:
    """One generator per tensor, so a tensor's values do not depend on the others (streaming writers make them one at a time)."""
    return torch.Generator().manual_seed(seed * 1_000_003 + zlib.crc32(name.encode()))


def random_tensor(name: str, shape, seed: int) -> torch.Tensor:
    """The value of parameter `name` (without wrapper prefix): weights with O(1) activations, also through the released
    depths (64 ViT blocks, 40 decoder layers: each residual branch adds O(1) variance, which the norms take out), and
    well-spread logits (so greedy decoding has no near-ties); gates non-zero so the image matters. float32."""
    g = tensor_generator(seed, name)
    shape = torch.Size(shape)
    if name.endswith("_gate"):
        return torch.randn(shape, generator=g) * 0.8
    if name.endswith("norm.weight") or "norm1" in name or "norm2" in name or "layernorm" in name or ".ff.0.weight" in name:
        return 1.0 + 0.1 * torch.randn(shape, generator=g)
    if len(shape) == 1 or name.endswith("cls_token") or name.endswith("pos_embed"):
        return 0.1 * torch.randn(shape, generator=g)
    if "embed_tokens" in name:
        return torch.randn(shape, generator=g)
    fan_in = shape[1:].numel()
    scale = 3.0 if "lm_head" in name else 1.0
    return torch.randn(shape, generator=g) * (scale / fan_in ** 0.5)


def randomize(model: InfiMMHD, seed: int, dtype: torch.dtype) -> None:
    """random_tensor for every parameter, rounded to `dtype` so every format stores the same numbers."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(random_tensor(name, p.shape, seed).to(dtype).to(torch.float32))


# The Flamingo wrapper's second names for the decoder's modules, and what a checkpoint may hold that InfiMM-HD never
# computes with (a model package leaves them out: src/convert/unpack.ts); both may be missing from a checkpoint.
ALIASES = ("lang_encoder.old_decoder_blocks.", "lang_encoder.gated_cross_attn_layers.")
UNUSED = ("vision_encoder.norm.", "vision_encoder.head.")


def canonical_state_dict(model: InfiMMHD) -> "OrderedDict[str, torch.Tensor]":
    """The state dict without the aliases the Flamingo wrapper adds (what a safetensors file can hold)."""
    return OrderedDict((k, v) for k, v in model.state_dict().items() if not k.startswith(ALIASES))


def write_random(args) -> None:
    vocab_size = args.vocab_size
    if vocab_size is None:
        import sentencepiece

        vocab_size = sentencepiece.SentencePieceProcessor(model_file=args.tokenizer).vocab_size() + 2
    config = PRESETS[args.preset](vocab_size)
    torch.manual_seed(args.seed)
    model = InfiMMHD(config)
    dtype = {"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32}[args.dtype]
    randomize(model, args.seed, dtype)
    if args.zero_gates:
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name.endswith("_gate"):
                    p.zero_()
    model = model.to(dtype)
    os.makedirs(args.out, exist_ok=True)
    if args.format == "torch":
        # Aliased keys share storages, exactly as torch.save writes the Flamingo wrapper's state dict.
        state = OrderedDict((args.prefix + k, v) for k, v in model.state_dict().items())
        torch.save(state, os.path.join(args.out, "pytorch_model.bin"))
    else:
        state = OrderedDict((args.prefix + k, v.contiguous()) for k, v in canonical_state_dict(model).items())
        if args.format == "safetensors":
            save_safetensors(state, os.path.join(args.out, "model.safetensors"))
        else:
            total = sum(t.numel() * t.element_size() for t in state.values())
            save_sharded_safetensors(state, args.out, max_shard_bytes=total // 3 + 1)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config.to_json(), f, indent=2)
    if args.tokenizer:
        shutil.copyfile(args.tokenizer, os.path.join(args.out, "tokenizer.model"))


def checkpoint_state(checkpoint_dir: str) -> dict:
    """A checkpoint folder's tensors (pytorch_model.bin, else safetensors) without a wrapper prefix or RoPE buffers."""
    torch_path = os.path.join(checkpoint_dir, "pytorch_model.bin")
    if os.path.exists(torch_path):
        state = torch.load(torch_path, map_location="cpu")
    else:
        state = load_safetensors_folder(checkpoint_dir)
    prefix = "model." if any(k.startswith("model.vision_encoder.") for k in state) else ""
    # HF LLaMA layers store RoPE's inverse frequencies as buffers; the model recomputes them from rope_theta.
    return {k[len(prefix):]: v for k, v in state.items() if not k.endswith(".rotary_emb.inv_freq")}


def load_state(model: InfiMMHD, state: dict) -> None:
    """Loads `state` into `model`; every tensor the computation uses must be there, and nothing else."""
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.startswith(ALIASES + UNUSED)]
    if missing or unexpected:
        raise ValueError(f"checkpoint mismatch: missing {missing[:5]}, unexpected {unexpected[:5]}")


def load_reference(checkpoint_dir: str, dtype=torch.float64) -> InfiMMHD:
    model = InfiMMHD(InfimmConfig.load(os.path.join(checkpoint_dir, "config.json")))
    load_state(model, checkpoint_state(checkpoint_dir))
    return model.to(dtype).eval()


SAFETENSORS_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def load_safetensors_folder(folder: str) -> dict:
    """Every tensor of model.safetensors or of the shards listed in model.safetensors.index.json."""
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    state = {}
    for name in files:
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        header_len = int.from_bytes(data[:8], "little")
        header = json.loads(data[8:8 + header_len])
        body = bytearray(data[8 + header_len:])
        for key, info in header.items():
            if key == "__metadata__":
                continue
            start, end = info["data_offsets"]
            state[key] = torch.frombuffer(body[start:end], dtype=SAFETENSORS_DTYPES[info["dtype"]]).reshape(info["shape"])
    return state


def read_raw(path: str, shape, dtype) -> torch.Tensor:
    with open(path, "rb") as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=dtype).reshape(shape)


def write_raw(out_dir: str, name: str, tensor: torch.Tensor, index: dict) -> None:
    tensor = tensor.detach().contiguous()
    tensor = tensor.to(torch.int64) if tensor.dtype in (torch.int32, torch.int64) else tensor.to(torch.float32)
    path = os.path.join(out_dir, name + (".i64" if tensor.dtype == torch.int64 else ".f32"))
    with open(path, "wb") as f:
        f.write(tensor.numpy().tobytes())
    index[name] = {"file": os.path.basename(path), "shape": list(tensor.shape)}


@torch.no_grad()
def run(args) -> None:
    with open(args.request) as f:
        request = json.load(f)
    model = load_reference(args.checkpoint)
    os.makedirs(args.out, exist_ok=True)
    index: dict = {}
    images = []
    for n, image in enumerate(request.get("images", [])):
        pixels = read_raw(image["pixels"], image["shape"], torch.float32).to(torch.float64)
        features = model.vision_encoder(pixels)
        media = model.image_media(features, image["rows"], image["cols"])
        images.append(media)
        if "features" in request["outputs"]:
            write_raw(args.out, f"features.{n}", features, index)
        if "memory" in request["outputs"]:
            for b, (k, v) in enumerate(model.image_memory(media)):
                write_raw(args.out, f"memory.{n}.{b}.k", k, index)
                write_raw(args.out, f"memory.{n}.{b}.v", v, index)
    ids = torch.tensor(request["input_ids"], dtype=torch.int64)
    if "logits" in request["outputs"]:
        write_raw(args.out, "logits", model.logits(ids, images), index)
    if request.get("greedy"):
        tokens = model.greedy(ids, images, request["greedy"], tuple(request.get("stop_ids", [])))
        write_raw(args.out, "greedy", torch.tensor(tokens, dtype=torch.int64), index)
    with open(os.path.join(args.out, "outputs.json"), "w") as f:
        json.dump(index, f)


def main() -> None:
    parser = argparse.ArgumentParser(prog="infimm.reference")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("random")
    r.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    r.add_argument("--vocab-size", type=int, help="base vocabulary + 2 added tokens (default: from --tokenizer)")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--out", required=True)
    r.add_argument("--format", choices=["torch", "safetensors", "sharded"], default="torch")
    r.add_argument("--prefix", default="")
    r.add_argument("--dtype", choices=["bf16", "f16", "f32"], default="bf16")
    r.add_argument("--tokenizer")
    r.add_argument("--zero-gates", action="store_true")
    r.set_defaults(func=write_random)
    u = sub.add_parser("run")
    u.add_argument("--checkpoint", required=True)
    u.add_argument("--request", required=True)
    u.add_argument("--out", required=True)
    u.set_defaults(func=run)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
