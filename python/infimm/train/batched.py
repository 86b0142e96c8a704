"""A batched forward of InfiMM-HD for training, over the very modules and parameters of model.py (one
definition of the weights, the released checkpoint's key names). model.py runs one sequence at a time with
any number of images; training needs batches of right-padded sequences with one image each, which this
computes with the same maths (a test checks the logits against InfiMMHD.logits)."""
from __future__ import annotations

import math
from functools import lru_cache

import torch

from ..model import GatedCrossAttentionBlock, InfiMMHD, LlamaDecoderLayer, rotate_half, sub_image_positions


@lru_cache(maxsize=None)
def _positions(rows: int, cols: int, dim: int, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """model.sub_image_positions on the features' device, computed once per grid (a constant: no gradient)."""
    return sub_image_positions(rows, cols, dim, dtype).to(device)


def image_media(model: InfiMMHD, images: list[tuple[torch.Tensor, int, int]], grad: bool):
    """Views of a batch of images, each (pixels [V, 3, S, S], rows, cols), through the ViT in one call.
    Returns media [B, N, Dv] (zero-padded) and its mask [B, N], on the pixels' device. Each image's media are
    model.image_media's (its views' features plus the sub-image positions, flattened), for the whole batch at once."""
    with torch.set_grad_enabled(grad):
        features = model.vision_encoder(torch.cat([pixels for pixels, _, _ in images]))  # [ΣV, 1+P, Dv]
    device, (_, per_view, dim) = features.device, features.shape
    positions = torch.cat([_positions(rows, cols, dim, features.dtype, device) for _, rows, cols in images])  # [ΣV, Dv]
    flat = (features + positions[:, None, :]).reshape(-1, dim)  # [Σ V·(1+P), Dv], image after image
    # Where each media token goes in the padded [B·N] rows: worked out on the host from the view counts, so the
    # device never waits for an index.
    lengths = torch.tensor([pixels.shape[0] * per_view for pixels, _, _ in images])
    longest, batch = int(lengths.max()), len(images)
    mask = torch.arange(longest)[None, :] < lengths[:, None]  # [B, N]
    rows = torch.arange(batch * longest).reshape(batch, longest)[mask]  # row-major: image after image, in order
    padded = features.new_zeros(batch * longest, dim)
    padded = padded.index_put((rows.to(device, non_blocking=True),), flat)
    return padded.reshape(batch, longest, dim), mask.to(device, non_blocking=True)


def heads(x, b: int, h: int, dh: int):
    """[B, L, H·dh] → [B·H, L, dh], the layout of torch.baddbmm."""
    return x.reshape(b, -1, h, dh).transpose(1, 2).reshape(b * h, -1, dh)


def attend(q, k, v, bias, scale: float, b: int):
    """softmax(scale · q kᵀ + bias) v, back to [B, L, H·dh]. The scale and the mask (an additive bias) go into the
    product: on a CPU the cost here is the passes over the [B·H, T, N] scores, and a separate division or masked
    copy costs as much as the product itself."""
    sim = torch.baddbmm(bias, q, k.transpose(1, 2), alpha=scale)
    out = sim.softmax(dim=-1) @ v
    return out.reshape(b, -1, *out.shape[1:]).transpose(1, 2).reshape(b, out.shape[1], -1)


def cross_attention(block: GatedCrossAttentionBlock, x, media, media_mask, seen_image):
    """x [B, T, D]; every token at or after its sequence's <image> (seen_image [B, T]) attends to that image."""
    a = block.attn
    b = x.shape[0]
    q = heads(a.to_q(a.norm(x)), b, a.heads, a.dim_head)
    k, v = (heads(m, b, a.heads, a.dim_head) for m in a.to_kv(media).chunk(2, dim=-1))
    padding = torch.zeros(media_mask.shape, dtype=q.dtype, device=q.device).masked_fill(~media_mask, -torch.finfo(q.dtype).max)
    bias = padding[:, None, None, :].expand(-1, a.heads, -1, -1).reshape(b * a.heads, 1, -1)  # [B·H, 1, N]
    # Tokens before the image attend to nothing: their attention output is zero.
    out = a.to_out(attend(q, k, v, bias, a.dim_head ** -0.5, b) * seen_image[..., None])
    x = out * block.attn_gate.tanh() + x
    return block.ff(x) * block.ff_gate.tanh() + x


def decoder_layer(layer: LlamaDecoderLayer, x, cos, sin, causal):
    """`causal`: [T, T], 0 where a position sees another, a large negative number where it does not."""
    attention = layer.self_attn
    c, hd = attention.c, attention.c.head_dim
    b, t, _ = x.shape
    h = layer.input_layernorm(x)
    q = attention.q_proj(h).reshape(b, t, c.num_attention_heads, hd).transpose(1, 2)  # [B, H, T, hd]
    k = attention.k_proj(h).reshape(b, t, c.num_key_value_heads, hd).transpose(1, 2)
    v = attention.v_proj(h).reshape(b, t, c.num_key_value_heads, hd).transpose(1, 2)
    q = q * cos + rotate_half(q) * sin
    k = k * cos + rotate_half(k) * sin
    repeat = c.num_attention_heads // c.num_key_value_heads
    k, v = k.repeat_interleave(repeat, dim=1), v.repeat_interleave(repeat, dim=1)
    flat = [z.reshape(b * c.num_attention_heads, t, hd) for z in (q, k, v)]
    out = attention.o_proj(attend(*flat, causal, 1 / math.sqrt(hd), b))
    x = x + out
    return x + layer.mlp(layer.post_attention_layernorm(x))


def logits(model: InfiMMHD, input_ids, media=None, media_mask=None):
    """The logits [B, T, V] of hidden()'s states."""
    return model.lang_encoder.lm_head(hidden(model, input_ids, media, media_mask))


def hidden(model: InfiMMHD, input_ids, media=None, media_mask=None):
    """The final norm's states [B, T, D]. input_ids [B, T], right-padded, at most one <image> each; media
    [B, N, Dv] and media_mask [B, N] from image_media, or None for a text-only batch (the gated blocks are skipped,
    as in model.py)."""
    config = model.config
    c = config.language
    lm = model.lang_encoder.model
    t, device = input_ids.shape[1], input_ids.device
    x = lm.embed_tokens(input_ids)
    seen_image = torch.cumsum((input_ids == config.image_token_id).to(torch.int64), dim=1) > 0
    inv_freq = 1.0 / (c.rope_theta ** (torch.arange(0, c.head_dim, 2, dtype=torch.float64, device=device) / c.head_dim))
    freqs = torch.arange(t, dtype=torch.float64, device=device)[:, None] * inv_freq[None, :]
    emb = torch.cat([freqs, freqs], dim=-1)
    cos, sin = emb.cos().to(x.dtype), emb.sin().to(x.dtype)
    causal = torch.full((t, t), -torch.finfo(x.dtype).max, dtype=x.dtype, device=device).triu(1)
    for layer in lm.layers:
        if layer.gated_cross_attn_layer is not None and media is not None:
            x = cross_attention(layer.gated_cross_attn_layer, x, media, media_mask, seen_image)
        x = decoder_layer(layer.decoder_layer, x, cos, sin, causal)
    return lm.norm(x)
