"""Trains InfiMM-HD-nano on the synthetic screens with the paper's four stages, scaled down to a CPU.

    python3 -m infimm.train.pipeline --out DIR [--scale F] [--threads N]

The language model and the ViT start from scratch (the paper starts from Vicuna and EVA-CLIP), so two
pre-stages come first; then the paper's stages with its freeze schedule:

    lm       language-model pretraining on the generated text (chats without images)   LM
    vision   captioning at the base size, LM frozen: our stand-in for a pretrained ViT    ViT + cross-attention
    pt       stage 1, captions at the base size (one thumbnail view)                      cross-attention + input embeddings
    cpt      stage 2, short VQA at the tile size (one view, ViT position table upsampled) ViT + cross-attention
    dra      stage 3, short VQA on the dynamic grid: thumbnail + tiles + 2-D positions    ViT + cross-attention
    ift      stage 4, Vicuna chats, loss on answers and <|endofchunk|>                    cross-attention + LM

Each finished stage is saved under DIR/stages/, and a rerun resumes after the last one. DIR/checkpoint/ gets
the final checkpoint folder (pytorch_model.bin, config.json, tokenizer.model) for `npm run convert`.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F

from ..config import CrossAttentionConfig, InfimmConfig, LanguageConfig, VisionConfig
from ..data import FAMILIES, sample
from ..model import InfiMMHD
from ..tokenization import IGNORE_INDEX, InfimmTokenizer
from . import batched
from .examples import FORMATS, pad
from .views import make_views
from .vocab import train_vocabulary

BASE_SIZE, TILE_SIZE, VOCAB_SIZE = 56, 112, 1024


def nano_trained(vocab_size: int, image_size: int = TILE_SIZE) -> InfimmConfig:
    """The shipped model: about 0.9M parameters, sized to what one shared CPU core trains in under an hour.
    Cross-attention every 2nd decoder layer (the paper: every 4th of 40) so that 4 layers still get two gated
    blocks; cross-attention inner width 64 for a model width of 96."""
    return InfimmConfig(
        visual=VisionConfig(image_size=image_size, patch_size=14, width=64, layers=4, head_width=32, mlp_ratio=2.0, embed_dim=32),
        language=LanguageConfig(vocab_size=vocab_size, hidden_size=96, intermediate_size=256, num_hidden_layers=4,
                                num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=1024),
        cross=CrossAttentionConfig(heads=4, dim_head=16, ff_mult=1, every_n_layers=2),
        eoc_token_id=vocab_size - 2, image_token_id=vocab_size - 1,
    )


@dataclass(frozen=True)
class Stage:
    name: str
    format: str  # examples.FORMATS
    trainable: tuple[str, ...]  # parameter groups, see parameter_groups
    views: str | None  # views.make_views mode; None: text only
    image_size: int
    steps: int
    batch: int
    lr: float
    min_lr_ratio: float  # cosine decay to lr · ratio; 1.0: constant after warm-up (the paper's PT)
    betas: tuple[float, float]
    eps: float


# The paper's ratios (Table 8): warm-up ≈5% of the steps; PT constant, CPT/DRA/IFT cosine to a tenth of the peak;
# PT peak 2× CPT/DRA and 4× IFT here (the paper: 10× and 20×, but our ViT is not pretrained and must still learn
# in CPT/DRA); AdamW (0.9, 0.95, 1e-8) for pretraining and (0.9, 0.999, 1e-5) after; weight decay 0.1; clip 1.0.
PRETRAIN, FINETUNE = ((0.9, 0.95), 1e-8), ((0.9, 0.999), 1e-5)
STAGES = [
    Stage("lm", "text", ("lm",), None, 0, 100, 8, 3e-3, 0.1, *PRETRAIN),
    Stage("vision", "caption", ("vision", "cross"), "thumbnail", BASE_SIZE, 200, 16, 2e-3, 0.1, *PRETRAIN),
    Stage("pt", "caption", ("cross", "embeddings"), "thumbnail", BASE_SIZE, 150, 16, 2e-3, 1.0, *PRETRAIN),
    Stage("cpt", "vqa", ("vision", "cross"), "thumbnail", TILE_SIZE, 450, 4, 1e-3, 0.1, *FINETUNE),
    Stage("dra", "vqa", ("vision", "cross"), "dynamic", TILE_SIZE, 280, 4, 1e-3, 0.1, *FINETUNE),
    Stage("ift", "chat", ("cross", "lm"), "dynamic", TILE_SIZE, 450, 4, 5e-4, 0.1, *FINETUNE),
]
WARMUP, WEIGHT_DECAY, CLIP = 0.05, 0.1, 1.0


def init_weights(model: InfiMMHD) -> None:
    """GPT-style initialisation for training from scratch; the gates stay zero (the LM starts unchanged)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("_gate"):
                p.zero_()
            elif p.dim() >= 2 or name.endswith(("cls_token", "pos_embed")):
                p.normal_(0.0, 0.02)
            elif name.endswith("bias") or name.endswith(("q_bias", "v_bias")):
                p.zero_()


def parameter_groups(model: InfiMMHD) -> dict[str, list[torch.nn.Parameter]]:
    lang = model.lang_encoder
    cross = [p for block in lang.gated_cross_attn_layers if block is not None for p in block.parameters()]
    cross_ids = {id(p) for p in cross}
    return {
        "vision": list(model.vision_encoder.parameters()),
        "cross": cross,
        "embeddings": [lang.model.embed_tokens.weight],
        "lm": [p for p in lang.parameters() if id(p) not in cross_ids],
    }


def set_trainable(model: InfiMMHD, groups: tuple[str, ...]) -> list[torch.nn.Parameter]:
    for p in model.parameters():
        p.requires_grad_(False)
    trainable = {id(p): p for g in groups for p in parameter_groups(model)[g]}
    for p in trainable.values():
        p.requires_grad_(True)
    return list(trainable.values())


def resize_vision(model: InfiMMHD, image_size: int) -> InfiMMHD:
    """The same weights at another ViT input size: the position table is resized bicubically, as the authors'
    code does going from 224 to 448 for CPT."""
    if model.config.visual.image_size == image_size:
        return model
    config = replace(model.config, visual=replace(model.config.visual, image_size=image_size))
    resized = InfiMMHD(config)
    state = model.state_dict()
    pos = state["vision_encoder.pos_embed"]
    old, new = int(math.isqrt(pos.shape[1] - 1)), image_size // config.visual.patch_size
    grid = pos[:, 1:].reshape(1, old, old, -1).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=(new, new), mode="bicubic", align_corners=False)
    state["vision_encoder.pos_embed"] = torch.cat([pos[:, :1], grid.permute(0, 2, 3, 1).reshape(1, new * new, -1)], dim=1)
    resized.load_state_dict(state)
    return resized


def learning_rate(stage: Stage, step: int) -> float:
    warmup = max(1, round(WARMUP * stage.steps))
    if step < warmup:
        return stage.lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, stage.steps - warmup)
    floor = stage.lr * stage.min_lr_ratio
    return floor + (stage.lr - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def make_batch(tokenizer: InfimmTokenizer, stage: Stage, first_index: int):
    """Sample i of a stage is family FAMILIES[i mod 7] with seed i // 7: every family in every batch."""
    ids, labels, images = [], [], []
    for index in range(first_index, first_index + stage.batch):
        s = sample(FAMILIES[index % len(FAMILIES)], index // len(FAMILIES))
        i, l = FORMATS[stage.format](tokenizer, s, random.Random(index))
        ids.append(i)
        labels.append(l)
        if stage.views:
            images.append(make_views(s.image, stage.image_size, stage.views))
    return pad(ids, 0), pad(labels, IGNORE_INDEX), images


def loss_on(model: InfiMMHD, ids, labels, images, vision_grad: bool):
    media, mask = batched.image_media(model, images, vision_grad) if images else (None, None)
    out = batched.logits(model, ids, media, mask)
    return F.cross_entropy(out[:, :-1].reshape(-1, out.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=IGNORE_INDEX)


def train_stage(model: InfiMMHD, tokenizer: InfimmTokenizer, stage: Stage, first_index: int, log) -> dict:
    params = set_trainable(model, stage.trainable)
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]  # norms, biases, gates
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=stage.lr, betas=stage.betas, eps=stage.eps)
    model.train()
    started, losses, curve = time.time(), [], []
    for step in range(stage.steps):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(stage, step)
        ids, labels, images = make_batch(tokenizer, stage, first_index + step * stage.batch)
        loss = loss_on(model, ids, labels, images, "vision" in stage.trainable)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CLIP)
        optimizer.step()
        losses.append(loss.item())
        if (step + 1) % 25 == 0 or step + 1 == stage.steps:
            window = losses[-25:]
            curve.append(round(sum(window) / len(window), 4))
            log(f"{stage.name} step {step + 1}/{stage.steps} loss {curve[-1]:.4f} lr {learning_rate(stage, step):.2e} "
                f"{time.time() - started:.0f}s")
    return {"stage": stage.name, "steps": stage.steps, "batch": stage.batch, "seconds": round(time.time() - started),
            "first_loss": round(sum(losses[:25]) / len(losses[:25]), 4), "last_loss": curve[-1], "curve": curve}


def save_checkpoint(model: InfiMMHD, tokenizer_path: str, folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    # torch.save of the full state dict: aliased keys share storages, as the released checkpoint's do.
    torch.save(model.state_dict(), os.path.join(folder, "pytorch_model.bin"))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(model.config.to_json(), f, indent=2)
    with open(tokenizer_path, "rb") as src, open(os.path.join(folder, "tokenizer.model"), "wb") as dst:
        dst.write(src.read())


def load_stage(folder: str) -> InfiMMHD:
    with open(os.path.join(folder, "config.json")) as f:
        model = InfiMMHD(InfimmConfig.from_json(json.load(f)))
    model.load_state_dict(torch.load(os.path.join(folder, "pytorch_model.bin")))
    return model


def run(out: str, stages: list[Stage], log=print) -> InfiMMHD:
    os.makedirs(out, exist_ok=True)
    tokenizer_path = os.path.join(out, "tokenizer.model")
    if not os.path.exists(tokenizer_path):
        train_vocabulary(tokenizer_path, VOCAB_SIZE)
    tokenizer = InfimmTokenizer(tokenizer_path)
    summary_path = os.path.join(out, "summary.json")
    summary = json.load(open(summary_path)) if os.path.exists(summary_path) else []
    done = [s["stage"] for s in summary]
    torch.manual_seed(0)
    model = InfiMMHD(nano_trained(tokenizer.vocab_size, BASE_SIZE))
    init_weights(model)
    if done:
        model = load_stage(os.path.join(out, "stages", done[-1]))
        log(f"resuming after stage {done[-1]}")
    first_index = 0
    for stage in stages:
        if stage.name not in done:
            model = resize_vision(model, stage.image_size) if stage.views else model
            summary.append(train_stage(model, tokenizer, stage, first_index, log))
            save_checkpoint(model, tokenizer_path, os.path.join(out, "stages", stage.name))
            with open(summary_path, "w") as f:
                json.dump(summary, f, indent=1)
        first_index += stage.steps * stage.batch  # each stage sees samples no earlier stage saw
    save_checkpoint(model, tokenizer_path, os.path.join(out, "checkpoint"))
    return model


def main() -> None:
    parser = argparse.ArgumentParser(prog="infimm.train.pipeline")
    parser.add_argument("--out", required=True)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every stage's step count")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    stages = [replace(s, steps=max(1, round(s.steps * args.scale))) for s in STAGES]

    def log(line: str) -> None:
        print(line, flush=True)

    run(args.out, stages, log)


if __name__ == "__main__":
    main()
