"""Trains the bundled InfiMM-HD model from scratch on the synthetic screens, with the paper's four stages as the
skeleton of a schedule keyed to wall-clock time.

    python3 -m infimm.train.pipeline --out DIR --minutes M [--preset small] [--threads N] [--ocr-pool DIR]
        [--captures DIR...]
    torchrun --nproc_per_node=2 -m infimm.train.pipeline --out DIR --minutes M   (DistributedDataParallel:
        gloo on CPUs, NCCL on GPUs; each process takes its share of every batch)

    pt    stage 1, low resolution: the thumbnail alone; reading (transcription) first
    cpt   stage 2, a 1×1 grid (thumbnail + one tile); short questions
    dra   stage 3, the dynamic grid with 2-D sub-image positions; short questions
    ift   stage 4, the dynamic grid; chats with descriptions
    copy  not in the paper and not run by default: the thumbnail alone; position lookups in the OCR context
          only (examples.copy_example), a drill a continuation can put before the others (--stages copy,dra,ift)

Departures from the paper, because nothing here is pretrained: every part trains in every stage (the ViT must
learn to see, the LM to speak); there is no text-only stage (it would teach answer priors before images); the
gates start open (tanh 0.46) in their own parameter group with a higher learning rate and no weight decay, so
the image reaches the LM from the first step; every stage uses the runtime's chat format with OCR context.
Each stage gets a share of the time budget, its learning rate a warm-up and a cosine over its share. The run
writes DIR/resume.pt every few minutes and at each stage's end, and a rerun resumes there; DIR/checkpoint/
gets the final checkpoint folder (pytorch_model.bin, config.json, tokenizer.model) for `npm run convert`.

On a GPU (scripts/gpu/train.sh runs this on the lent H200; docs/gpu.md):

    python3 -m infimm.train.pipeline --out DIR --minutes 8 --preset base --device cuda --workers 14 --batch 256 \
        --save-every 120 --export OUT/model --heldout 4

    --device cuda   the model on the GPU, bf16 autocast (the weights and the optimizer stay float32)
    --workers N     N DataLoader processes render the batches (StageBatches): the same samples in the same order
                    as the in-process make_batch, their views as uint8, normalised on the device
    --batch N       every stage's batch instead of Stage.batch
    --export DIR    at every save and at the end, the model as bf16 safetensors shards of at most 16 MiB with
                    their index, config.json and tokenizer.model (export.py; `python3 -m infimm.train.export
                    assemble` makes the checkpoint folder of them)
    --heldout N     at the end, exact match on the short questions of N held-out samples per family with simulated
                    OCR context (evaluate.quick_score), logged and written to DIR/heldout.json
Without them the run is the CPU run above, step for step.

Continued training of a trained model (a later session adds compute to the shipped one):

    python3 -m infimm.train.pipeline --out DIR --minutes M --init CHECKPOINT --stages dra,ift --lr-scale 0.5

    --init DIR      start from a checkpoint folder's weights and tokenizer instead of a new initialisation (a
                    run's checkpoint, or a shipped package unpacked: npm run unpack -- models/default DIR)
    --stages A,B    train only these stages, their shares of the time scaled to fill the budget
    --lr-scale X    every stage's peak learning rate times X (a trained model needs a gentler restart)
    --first-sample N  the first sample index (seed), past those of the run that made the checkpoint, so the
                    continuation sees new images
    --new-vocab     train a new vocabulary on the data as it is now (its names and words become pieces) instead
                    of keeping the checkpoint's; the embeddings move over (vocab.transfer_embeddings)
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import math
import os
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch
import torch.distributed as dist
import torch.nn.functional as F

from ..config import CrossAttentionConfig, InfimmConfig, LanguageConfig, VisionConfig
from ..data import FAMILIES, sample
from ..data.captures import Capture, capture_sample, load_folders
from ..data.real_ocr import load_pool, pool_sample
from ..model import InfiMMHD
from ..reference import checkpoint_state, load_state
from ..tokenization import IGNORE_INDEX, InfimmTokenizer
from . import batched
from .examples import FORMATS, OCR_CONTEXT_CONFIG, pad
from .views import make_views, normalise_pixels
from .vocab import train_vocabulary, transfer_embeddings

TILE_SIZE, VOCAB_SIZE = 112, 2048
GATE_INIT, GATE_LR_SCALE = 0.5, 5.0
SAVE_EVERY_SECONDS = 300
# The share of samples taken from the real-OCR pool when a run has one (--ocr-pool), and from the real workbench
# screenshots when it has them (--captures).
REAL_OCR_SHARE, CAPTURE_SHARE = 0.2, 0.15


@dataclass(frozen=True)
class RealImages:
    """Images from outside the generators a run may mix in: the real-OCR pool and real workbench screenshots."""
    pool: list | None = None
    captures: list[Capture] | None = None
    capture_share: float = CAPTURE_SHARE


PRESETS = ("small", "base", "tiny")


def preset(name: str, vocab_size: int) -> InfimmConfig:
    """`small`: the shipped model (a few million parameters, sized to two CPU cores for about two hours);
    `base`: sized to the GPU machine's 8-minute run (about 18M parameters with a 4,096-piece vocabulary: a
    36 MB fp16 package, which holds the bf16 export exactly; docs/gpu.md); `tiny`: for tests. Cross-attention
    every 2nd decoder layer (the paper: every 4th of 40), so a shallow LM still gets several gated blocks."""
    vision, lm, cross = {
        "small": ((96, 4, 32), (192, 512, 6, 6), (4, 32)),
        "base": ((192, 6, 64), (384, 1024, 6, 6), (6, 64)),
        "tiny": ((32, 1, 16), (32, 64, 2, 2), (2, 16)),
    }[name]
    return InfimmConfig(
        visual=VisionConfig(image_size=TILE_SIZE, patch_size=14, width=vision[0], layers=vision[1], head_width=vision[2],
                            mlp_ratio=2.0, embed_dim=vision[2]),
        language=LanguageConfig(vocab_size=vocab_size, hidden_size=lm[0], intermediate_size=lm[1], num_hidden_layers=lm[2],
                                num_attention_heads=lm[3], num_key_value_heads=lm[3], max_position_embeddings=1024),
        cross=CrossAttentionConfig(heads=cross[0], dim_head=cross[1], ff_mult=1, every_n_layers=2),
        eoc_token_id=vocab_size - 2, image_token_id=vocab_size - 1,
    )


@dataclass(frozen=True)
class Stage:
    name: str
    format: str  # examples.FORMATS
    views: str  # views.make_views mode
    share: float  # of the time budget
    batch: int  # per step, over all processes
    lr: float
    betas: tuple[float, float]
    eps: float


# AdamW (0.9, 0.95, 1e-8) for pretraining and (0.9, 0.999, 1e-5) after, as the paper (Table 8); weight decay 0.1,
# clip 1.0, warm-up 5% of each stage, cosine to a tenth of the peak.
PRETRAIN, FINETUNE = ((0.9, 0.95), 1e-8), ((0.9, 0.999), 1e-5)
STAGES = [
    Stage("pt", "read", "thumbnail", 0.15, 8, 2e-3, *PRETRAIN),
    Stage("cpt", "qa", "single", 0.15, 8, 1.5e-3, *FINETUNE),
    Stage("dra", "qa", "dynamic", 0.30, 8, 1e-3, *FINETUNE),
    Stage("ift", "chat", "dynamic", 0.40, 8, 5e-4, *FINETUNE),
]
COPY = Stage("copy", "copy", "thumbnail", 0.35, 8, 1e-3, *FINETUNE)
WARMUP, MIN_LR_RATIO, WEIGHT_DECAY, CLIP = 0.05, 0.1, 0.1, 1.0


def init_weights(model: InfiMMHD) -> None:
    """GPT-style initialisation for training from scratch; the gates start open (GATE_INIT)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("_gate"):
                p.fill_(GATE_INIT)
            elif p.dim() >= 2 or name.endswith(("cls_token", "pos_embed")):
                p.normal_(0.0, 0.02)
            elif name.endswith("bias") or name.endswith(("q_bias", "v_bias")):
                p.zero_()


def gates(model: InfiMMHD) -> list[float]:
    """Mean |tanh(gate)| of each gated block's attention gate."""
    return [round(float(block.attn_gate.tanh().abs().mean()), 3)
            for block in model.lang_encoder.gated_cross_attn_layers if block is not None]


def optimizer_for(model: InfiMMHD, stage: Stage) -> torch.optim.AdamW:
    decay, no_decay, gate = [], [], []
    for name, p in model.named_parameters():
        (gate if name.endswith("_gate") else decay if p.dim() >= 2 else no_decay).append(p)
    groups = [{"params": decay, "weight_decay": WEIGHT_DECAY, "scale": 1.0},
              {"params": no_decay, "weight_decay": 0.0, "scale": 1.0},
              {"params": gate, "weight_decay": 0.0, "scale": GATE_LR_SCALE}]
    return torch.optim.AdamW(groups, lr=stage.lr, betas=stage.betas, eps=stage.eps)


def selected_stages(names: str | None, lr_scale: float = 1.0) -> list[Stage]:
    """The stages of `names` (comma-separated; the copy drill first, then the recipe's order; the recipe's four
    when None), their shares scaled to sum to 1 and their learning rates by `lr_scale`."""
    known = [COPY, *STAGES]
    wanted = names.split(",") if names else [s.name for s in STAGES]
    unknown = set(wanted) - {s.name for s in known}
    if unknown:
        raise ValueError(f"unknown stages {sorted(unknown)}: there are {[s.name for s in known]}")
    chosen = [s for s in known if s.name in wanted]
    total = sum(s.share for s in chosen)
    return [replace(s, share=s.share / total, lr=s.lr * lr_scale) for s in chosen]


def learning_rate(stage: Stage, progress: float) -> float:
    """Warm-up then cosine to MIN_LR_RATIO, over the stage's progress in [0, 1] (its share of the time)."""
    if progress < WARMUP:
        return stage.lr * max(progress, 0.01) / WARMUP
    t = min(1.0, (progress - WARMUP) / (1 - WARMUP))
    floor = stage.lr * MIN_LR_RATIO
    return floor + (stage.lr - floor) * 0.5 * (1 + math.cos(math.pi * t))


def make_batch(tokenizer: InfimmTokenizer, stage: Stage, indices: range, raw: bool = False,
               real: RealImages = RealImages()):
    """Sample i is family FAMILIES[i mod F] with seed i // F: every family in every batch; with real workbench
    screenshots (data/captures.py) a share real.capture_share of the samples comes from them instead, and with a
    pool of images read by the real OCR stage (data/real_ocr.py) a share REAL_OCR_SHARE of the rest from it.
    `raw`: the views as uint8 (views.normalise_pixels makes them what the default gives)."""
    ids, labels, images = [], [], []
    for index in indices:
        rng = random.Random(index)
        if real.captures and rng.random() < real.capture_share:
            s = capture_sample(real.captures[rng.randrange(len(real.captures))], rng)
        elif real.pool and rng.random() < REAL_OCR_SHARE:
            s = pool_sample(real.pool[rng.randrange(len(real.pool))])
        else:
            s = sample(FAMILIES[index % len(FAMILIES)], index // len(FAMILIES))
        i, l = FORMATS[stage.format](tokenizer, s, rng)
        ids.append(i)
        labels.append(l)
        images.append(make_views(s.image, TILE_SIZE, stage.views, raw=raw))
    return pad(ids, 0), pad(labels, IGNORE_INDEX), images


class StageBatches(torch.utils.data.IterableDataset):
    """A stage's batches from sample index `first` on, for a DataLoader with N workers: step k's share for this
    process is make_batch(range(first + k·batch + rank·share, … + share)), exactly what the in-process loop
    takes at step k. Worker w renders the steps k ≡ w (mod N), and the DataLoader hands them out in step order.
    Each item is (ids [B, T], labels [B, T], uint8 views of the whole batch [ΣV, 3, S, S], grids [B, 3] of
    (views, rows, cols)): plain tensors, which pinned memory and the device copy take in one go."""

    def __init__(self, tokenizer_path: str, stage: Stage, first: int, share: int, rank: int, real: RealImages):
        super().__init__()
        self.tokenizer_path, self.stage, self.first, self.share, self.rank = tokenizer_path, stage, first, share, rank
        self.real = real

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        step, workers = (info.id, info.num_workers) if info is not None else (0, 1)
        tokenizer = InfimmTokenizer(self.tokenizer_path)
        while True:
            start = self.first + step * self.stage.batch + self.rank * self.share
            ids, labels, images = make_batch(tokenizer, self.stage, range(start, start + self.share), raw=True, real=self.real)
            grids = torch.tensor([[pixels.shape[0], rows, cols] for pixels, rows, cols in images], dtype=torch.int64)
            yield ids, labels, torch.cat([pixels for pixels, _, _ in images]), grids
            step += workers


def stage_loader(tokenizer_path: str, stage: Stage, first: int, share: int, rank: int, workers: int,
                 device: torch.device, real: RealImages) -> torch.utils.data.DataLoader:
    return torch.utils.data.DataLoader(StageBatches(tokenizer_path, stage, first, share, rank, real), batch_size=None,
                                       num_workers=workers, pin_memory=device.type == "cuda")


def on_device(item, device: torch.device):
    """A StageBatches item as make_batch's (ids, labels, images) on the device, the views normalised there."""
    ids, labels, pixels, grids = item
    pixels = normalise_pixels(pixels.to(device, non_blocking=True))
    grids = grids.tolist()
    images = [(views, rows, cols) for views, (_, rows, cols) in zip(pixels.split([g[0] for g in grids]), grids)]
    return ids.to(device, non_blocking=True), labels.to(device, non_blocking=True), images


class Loss(torch.nn.Module):
    """The model's mean loss per supervised token, as a module so that DistributedDataParallel can wrap it."""

    def __init__(self, model: InfiMMHD):
        super().__init__()
        self.model = model

    def forward(self, ids, labels, images):
        media, mask = batched.image_media(self.model, images, True)
        states = batched.hidden(self.model, ids, media, mask)[:, :-1]
        targets = labels[:, 1:]
        supervised = targets != IGNORE_INDEX
        # The vocabulary projection only where a token is supervised: the answers are a small share of each
        # sequence (the prompt and OCR context are most of it), and [B, T, V] logits were the largest tensor.
        return F.cross_entropy(self.model.lang_encoder.lm_head(states[supervised]), targets[supervised])


def save_checkpoint(model: InfiMMHD, tokenizer_path: str, folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    # torch.save of the full state dict: aliased keys share storages, as the released checkpoint's do.
    torch.save(model.state_dict(), os.path.join(folder, "pytorch_model.bin"))
    config = model.config.to_json()
    config["ocr_context"] = dict(OCR_CONTEXT_CONFIG)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(tokenizer_path, "rb") as src, open(os.path.join(folder, "tokenizer.model"), "wb") as dst:
        dst.write(src.read())


def run(out: str, minutes: float, preset_name: str, log=print, steps: int | None = None,
        vocab_size: int = VOCAB_SIZE, device: str | torch.device = "cpu", workers: int = 0, batch: int | None = None,
        save_every: float = SAVE_EVERY_SECONDS, export: str | None = None, heldout: int = 0,
        log_every: int = 25, ocr_pool: str | None = None, init: str | None = None, stages: str | None = None,
        lr_scale: float = 1.0, first_sample: int = 0, new_vocab: bool = False, captures: Sequence[str] = (),
        capture_share: float = CAPTURE_SHARE) -> InfiMMHD:
    """Trains for `minutes` of wall-clock time in all, resuming from DIR/resume.pt when it exists. `steps` makes
    every stage exactly that many steps instead (deterministic: the rehearsal and the tests). The GPU options
    (device, workers, batch, save_every, export, heldout) are the module docstring's; their defaults are the
    CPU run; init, stages, lr_scale, first_sample and new_vocab continue a trained model (the docstring's continued
    training)."""
    plan = selected_stages(stages, lr_scale)
    world = dist.get_world_size() if dist.is_initialized() else 1
    rank = dist.get_rank() if dist.is_initialized() else 0
    device = torch.device(device)
    cuda = device.type == "cuda"
    # bf16 autocast on the GPU: matrix products in bf16, softmax, norms and the loss in float32 (autocast's lists).
    autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if cuda else contextlib.nullcontext
    os.makedirs(out, exist_ok=True)
    real = RealImages(load_pool(ocr_pool) if ocr_pool else None, load_folders(captures) or None, capture_share)
    tokenizer_path = os.path.join(out, "tokenizer.model")
    if rank == 0 and init and not new_vocab and not os.path.exists(tokenizer_path):
        shutil.copyfile(os.path.join(init, "tokenizer.model"), tokenizer_path)
    if rank == 0 and not os.path.exists(tokenizer_path):
        train_vocabulary(tokenizer_path, vocab_size, samples_per_family=150 if steps is None else 8)
    if dist.is_initialized():
        dist.barrier()
    tokenizer = InfimmTokenizer(tokenizer_path)
    torch.manual_seed(0)
    model = InfiMMHD(preset(preset_name, tokenizer.vocab_size))
    init_weights(model)
    if init:  # the same preset as the checkpoint's, or load_state_dict names the keys that differ
        weights = checkpoint_state(init)
        if new_vocab:
            weights = transfer_embeddings(weights, InfimmTokenizer(os.path.join(init, "tokenizer.model")), tokenizer)
        load_state(model, weights)
    resume_path = os.path.join(out, "resume.pt")
    state = {"stage": 0, "elapsed": 0.0, "index": first_sample, "first": first_sample, "summary": [], "optimizer": None}
    if os.path.exists(resume_path):
        state = torch.load(resume_path, map_location="cpu")
        model.load_state_dict(state.pop("model"))
        log(f"resuming in stage {plan[state['stage']].name if state['stage'] < len(plan) else 'done'} "
            f"after {state['elapsed'] / 60:.1f} minutes")
    if cuda:
        model.to(device)
        log(f"{preset_name}: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M parameters on "
            f"{torch.cuda.get_device_name(device)}, bf16 autocast, {workers} data workers")
    loss_module = Loss(model)
    # Some parameters sit out a stage (the sub-image positions with the thumbnail alone).
    wrapped = (torch.nn.parallel.DistributedDataParallel(loss_module, device_ids=[device.index] if cuda else None,
                                                         find_unused_parameters=True)
               if dist.is_initialized() else loss_module)
    budget = minutes * 60
    # NCCL broadcasts device tensors only.
    sync_device = device if cuda and dist.is_initialized() else torch.device("cpu")

    def save() -> None:
        if rank == 0:
            torch.save({**state, "model": model.state_dict()}, resume_path + ".tmp")
            os.replace(resume_path + ".tmp", resume_path)
            if export:
                from .export import export_shards

                export_shards(model, tokenizer_path, export, {"samples": state["index"], "stages_done": state["stage"],
                                                              "minutes": round(state["elapsed"] / 60, 2)})

    while state["stage"] < len(plan):
        stage = plan[state["stage"]]
        if batch:
            stage = replace(stage, batch=batch)
        stage_start = sum(s.share for s in plan[: state["stage"]]) * budget
        stage_time = stage.share * budget
        optimizer = optimizer_for(model, stage)
        if state["optimizer"] is not None:
            optimizer.load_state_dict(state["optimizer"])
        model.train()
        losses: list[float] = []
        pending: list[torch.Tensor] = []  # on the GPU, losses are read back only when logged
        source = (iter(stage_loader(tokenizer_path, stage, state["index"], stage.batch // world, rank, workers, device, real))
                  if workers else None)
        started, last_save, steps_done = time.time() - (state["elapsed"] - stage_start), time.time(), 0
        wall, last_log, samples_at_log = time.time(), time.time(), state["index"]
        while True:
            # Every process takes the same decision from rank 0's clock.
            progress = torch.tensor([steps_done / steps if steps else (time.time() - started) / stage_time], device=sync_device)
            if dist.is_initialized():
                dist.broadcast(progress, 0)
            if progress.item() >= 1.0:
                break
            lr = learning_rate(stage, progress.item())
            for group in optimizer.param_groups:
                group["lr"] = lr * group["scale"]
            share = stage.batch // world
            first = state["index"] + rank * share
            if source is not None:
                ids, labels, images = on_device(next(source), device)
            else:
                ids, labels, images = make_batch(tokenizer, stage, range(first, first + share), real=real)
                if cuda:
                    ids, labels = ids.to(device), labels.to(device)
                    images = [(pixels.to(device), rows, cols) for pixels, rows, cols in images]
            with autocast():
                loss = wrapped(ids, labels, images)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
            optimizer.step()
            state["index"] += stage.batch
            if cuda:
                pending.append(loss.detach())
            else:
                losses.append(loss.item())
            steps_done += 1
            state["elapsed"] = stage_start + time.time() - started
            if steps_done % log_every == 0:
                if pending:
                    losses += torch.stack(pending).float().tolist()
                    pending.clear()
                rate = (state["index"] - samples_at_log) / max(1e-9, time.time() - last_log)
                last_log, samples_at_log = time.time(), state["index"]
                log(f"{stage.name} step {steps_done} loss {sum(losses[-25:]) / len(losses[-25:]):.4f} lr {lr:.2e} "
                    f"samples {state['index']} gates {gates(model)} {state['elapsed'] / 60:.1f} min {rate:.1f} samples/s"
                    + (f" gpu {torch.cuda.max_memory_allocated(device) / 2 ** 30:.1f} GiB" if cuda else ""))
            if time.time() - last_save > save_every:
                state["optimizer"] = optimizer.state_dict()
                save()
                last_save = time.time()
        if pending:
            losses += torch.stack(pending).float().tolist()
        del source  # stops the stage's data workers
        seconds = time.time() - wall
        state["summary"].append({"stage": stage.name, "steps": steps_done, "batch": stage.batch,
                                 "seconds": round(time.time() - started), "samples_total": state["index"] - state.get("first", 0),
                                 "first_loss": round(sum(losses[:25]) / max(1, len(losses[:25])), 4),
                                 "last_loss": round(sum(losses[-25:]) / max(1, len(losses[-25:])), 4),
                                 "gates": gates(model),
                                 "samples_per_second": round(steps_done * stage.batch / max(1e-9, seconds), 1)})
        if cuda:
            state["summary"][-1]["gpu_memory_gib"] = round(torch.cuda.max_memory_allocated(device) / 2 ** 30, 2)
        log(json.dumps(state["summary"][-1]))
        state.update(stage=state["stage"] + 1, elapsed=stage_start + stage_time, optimizer=None)
        save()
    if rank == 0:
        save_checkpoint(model, tokenizer_path, os.path.join(out, "checkpoint"))
        with open(os.path.join(out, "summary.json"), "w") as f:
            json.dump(state["summary"], f, indent=1)
        if heldout:
            from .evaluate import quick_score

            try:  # a report on the finished run: its failure must not fail the run
                with autocast():
                    score = quick_score(model, tokenizer, heldout, log)
            except Exception as error:  # noqa: BLE001
                import traceback

                log(f"held-out score failed: {traceback.format_exc()}")
                score = {"error": f"{type(error).__name__}: {error}"}
            with open(os.path.join(out, "heldout.json"), "w") as f:
                json.dump(score, f, indent=1)
    return model


# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3


def keep_freed_memory() -> None:
    """Keeps freed memory in the process for the next step. glibc hands large freed blocks back to the kernel (those
    over its mmap threshold, and the heap's free top past the trim threshold), so every step's activations were
    faulted in afresh: on this 2-core CPU 30–43% of the training processes' time was spent in the kernel and a run
    made 1.4–1.6 samples a second. With blocks up to 32 MB (glibc's largest threshold) taken from the heap, and the
    heap kept, it spends about 12% there and makes about twice as many. No-op without glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)
    libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
    libc.mallopt(M_TOP_PAD, 1 << 30)


def main() -> None:
    keep_freed_memory()
    parser = argparse.ArgumentParser(prog="infimm.train.pipeline")
    parser.add_argument("--out", required=True)
    parser.add_argument("--minutes", type=float, default=0.0, help="wall-clock budget of the whole run")
    parser.add_argument("--preset", default="small", choices=PRESETS)
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads per process")
    parser.add_argument("--steps", type=int, help="steps per stage instead of the time budget (rehearsals, tests)")
    parser.add_argument("--vocab", type=int, default=VOCAB_SIZE, help="SentencePiece pieces of a new vocabulary")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="cuda: bf16 autocast on the GPU")
    parser.add_argument("--workers", type=int, default=0, help="DataLoader processes rendering the batches (0: in-process)")
    parser.add_argument("--batch", type=int, help="every stage's batch (all processes together) instead of the recipe's")
    parser.add_argument("--save-every", type=float, default=SAVE_EVERY_SECONDS, help="seconds between saves")
    parser.add_argument("--export", help="folder for the bf16 safetensors shards (≤ 16 MiB) at every save and the end")
    parser.add_argument("--heldout", type=int, default=0, help="held-out samples per family scored at the end")
    parser.add_argument("--log-every", type=int, default=25, help="steps between log lines")
    parser.add_argument("--ocr-pool", help="a folder of images read by the real OCR stage (data/real_ocr.py)")
    parser.add_argument("--captures", nargs="+", default=[],
                        help="folders of real workbench screenshots (data/captures.py)")
    parser.add_argument("--capture-share", type=float, default=CAPTURE_SHARE,
                        help="with --captures: the share of samples taken from the screenshots")
    parser.add_argument("--init", help="a checkpoint folder to continue training from (weights and tokenizer)")
    parser.add_argument("--stages", help="comma-separated stages to train (default: all four)")
    parser.add_argument("--lr-scale", type=float, default=1.0, help="factor on every stage's peak learning rate")
    parser.add_argument("--new-vocab", action="store_true",
                        help="with --init: a vocabulary trained on today's data, the checkpoint's rows transferred")
    parser.add_argument("--first-sample", type=int, default=0, help="the first sample index (new images for a continuation)")
    args = parser.parse_args()
    if not args.minutes and not args.steps:
        parser.error("give the time budget (--minutes) or the steps per stage (--steps)")
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA device here")
    torch.set_num_threads(args.threads)
    device = torch.device("cpu")
    if args.device == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.cuda.set_device(device)
    if "WORLD_SIZE" in os.environ:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")

    def log(line: str) -> None:
        if not dist.is_initialized() or dist.get_rank() == 0:
            print(line, flush=True)

    try:
        run(args.out, args.minutes, args.preset, log, args.steps, args.vocab, device=device, workers=args.workers,
            batch=args.batch, save_every=args.save_every, export=args.export, heldout=args.heldout,
            log_every=args.log_every, ocr_pool=args.ocr_pool, init=args.init, stages=args.stages,
            lr_scale=args.lr_scale, first_sample=args.first_sample, new_vocab=args.new_vocab,
            captures=args.captures, capture_share=args.capture_share)
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


if __name__ == "__main__":
    main()
