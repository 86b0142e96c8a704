"""Times greedy decoding in PyTorch with a KV cache, on model.py's modules and weights, for the benchmark.

    python3 -m infimm.bench_decode --checkpoint DIR --threads N --prompt-ids 1,2,3 --new-tokens 64 [--pixels F --rows R --cols C]

Prints one JSON line: the generated ids, prefill ms and median ms per decode step. The image (if any) is encoded
once; each step runs the gated blocks against its cached keys/values, as a runtime with a cache would.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

from .model import InfiMMHD, rotate_half
from .reference import load_reference, read_raw


def attention_step(layer, x, positions, cache):
    """A LLaMA self-attention over the cached keys/values plus the new tokens (x: [T, D])."""
    attn = layer.self_attn
    c, hd, t = attn.c, attn.c.head_dim, x.shape[0]
    q = attn.q_proj(x).reshape(t, c.num_attention_heads, hd).transpose(0, 1)
    k = attn.k_proj(x).reshape(t, c.num_key_value_heads, hd).transpose(0, 1)
    v = attn.v_proj(x).reshape(t, c.num_key_value_heads, hd).transpose(0, 1)
    inv_freq = 1.0 / (c.rope_theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    emb = torch.cat([positions[:, None].float() * inv_freq[None, :]] * 2, dim=-1)
    q = q * emb.cos() + rotate_half(q) * emb.sin()
    k = k * emb.cos() + rotate_half(k) * emb.sin()
    if cache:
        k = torch.cat([cache[0], k], dim=1)
        v = torch.cat([cache[1], v], dim=1)
    cache[:] = [k, v]
    repeat = c.num_attention_heads // c.num_key_value_heads
    k, v = k.repeat_interleave(repeat, dim=0), v.repeat_interleave(repeat, dim=0)
    sim = (q @ k.transpose(-2, -1)) / hd ** 0.5
    total = k.shape[1]
    causal = torch.ones(t, total, dtype=torch.bool).tril(total - t)
    out = sim.masked_fill(~causal, -torch.finfo(sim.dtype).max).softmax(-1) @ v
    return attn.o_proj(out.transpose(0, 1).reshape(t, -1))


def cross_step(block, x, kv, text_time):
    """A gated block against one image's precomputed keys/values (rows before the image get none)."""
    a = block.attn
    q = a.to_q(a.norm(x)).reshape(-1, a.heads, a.dim_head).transpose(0, 1)
    k, v = kv
    out = ((q * a.dim_head ** -0.5) @ k.transpose(-2, -1)).softmax(-1) @ v
    out = out.transpose(0, 1).reshape(x.shape[0], -1)
    out = a.to_out(out) * (text_time > 0).to(x.dtype)[:, None]
    x = out * block.attn_gate.tanh() + x
    return block.ff(x) * block.ff_gate.tanh() + x


@torch.no_grad()
def run(model: InfiMMHD, ids, memory, new_tokens, image_token):
    lm = model.lang_encoder.model
    caches = [[] for _ in lm.layers]
    seen = 0

    def forward(tokens, start):
        nonlocal seen
        x = lm.embed_tokens(tokens)
        text_time = torch.cumsum((tokens == image_token).long(), 0) + seen
        seen = int(text_time[-1])
        positions = torch.arange(start, start + tokens.shape[0])
        b = 0
        for layer, cache in zip(lm.layers, caches):
            if layer.gated_cross_attn_layer is not None and memory is not None:
                x = cross_step(layer.gated_cross_attn_layer, x, memory[b], text_time)
                b += 1
            d = layer.decoder_layer
            x = x + attention_step(d, d.input_layernorm(x), positions, cache)
            x = x + d.mlp(d.post_attention_layernorm(x))
        return model.lang_encoder.lm_head(lm.norm(x[-1:]))[0]

    started = time.perf_counter()
    logits = forward(torch.tensor(ids), 0)
    prefill_ms = (time.perf_counter() - started) * 1000
    out, steps = [], []
    for i in range(new_tokens):
        logits[image_token] = -float("inf")
        nxt = int(logits.argmax())
        out.append(nxt)
        started = time.perf_counter()
        logits = forward(torch.tensor([nxt]), len(ids) + i)
        steps.append((time.perf_counter() - started) * 1000)
    return out, prefill_ms, sorted(steps)[len(steps) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--prompt-ids", required=True)
    p.add_argument("--new-tokens", type=int, default=64)
    p.add_argument("--pixels")
    p.add_argument("--views", type=int)
    p.add_argument("--rows", type=int)
    p.add_argument("--cols", type=int)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model = load_reference(args.checkpoint, torch.float32)
    memory = None
    if args.pixels:
        s = model.config.visual.image_size
        with torch.no_grad():
            pixels = read_raw(args.pixels, [args.views, 3, s, s], torch.float32)
            media = model.image_media(model.vision_encoder(pixels), args.rows, args.cols)
            memory = model.image_memory(media)
    ids = [int(i) for i in args.prompt_ids.split(",")]
    out, prefill_ms, step_ms = run(model, ids, memory, args.new_tokens, model.config.image_token_id)
    print(json.dumps({"ids": out, "prefill_ms": prefill_ms, "step_ms": step_ms}))


if __name__ == "__main__":
    main()
