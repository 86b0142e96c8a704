"""InfiMM-HD in plain PyTorch, written from the authors' maths, with the released checkpoint's
state-dict key names. It is the oracle of the parity tests: keep it obviously right, not fast.

    vision_encoder.*   EVA ViT (post-norm blocks, fused qkv with q/v biases)
    lang_encoder.*     LLaMA whose decoder layers are wrapped as FlamingoLayer(gated_cross_attn_layer,
                       decoder_layer); the same modules are registered again under
                       lang_encoder.old_decoder_blocks.* and lang_encoder.gated_cross_attn_layers.*,
                       so a saved state dict holds aliased keys, as the Flamingo wrapper's does.

Batch size is 1 throughout; shapes are noted as [tokens, channels] where the batch axis is dropped.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from .config import CrossAttentionConfig, InfimmConfig, LanguageConfig, VisionConfig


# ---------------------------------------------------------------- vision: EVA ViT


class PatchEmbed(nn.Module):
    def __init__(self, v: VisionConfig):
        super().__init__()
        self.proj = nn.Conv2d(3, v.width, kernel_size=v.patch_size, stride=v.patch_size)


class EvaAttention(nn.Module):
    def __init__(self, v: VisionConfig):
        super().__init__()
        self.heads = v.heads
        self.qkv = nn.Linear(v.width, 3 * v.width, bias=False)
        self.q_bias = nn.Parameter(torch.zeros(v.width))
        self.v_bias = nn.Parameter(torch.zeros(v.width))
        self.proj = nn.Linear(v.width, v.width)

    def forward(self, x):  # x: [N, L, D]
        n, length, dim = x.shape
        bias = torch.cat([self.q_bias, torch.zeros_like(self.q_bias), self.v_bias])  # k has no bias
        qkv = F.linear(x, self.qkv.weight, bias)  # [N, L, 3D]
        qkv = qkv.reshape(n, length, 3, self.heads, dim // self.heads).permute(2, 0, 3, 1, 4)  # [3, N, H, L, hd]
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * (dim // self.heads) ** -0.5) @ k.transpose(-2, -1)  # [N, H, L, L]
        out = attn.softmax(dim=-1) @ v  # [N, H, L, hd]
        return self.proj(out.transpose(1, 2).reshape(n, length, dim))


class EvaMlp(nn.Module):
    def __init__(self, v: VisionConfig):
        super().__init__()
        self.fc1 = nn.Linear(v.width, v.mlp_hidden)
        self.fc2 = nn.Linear(v.mlp_hidden, v.width)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class EvaBlock(nn.Module):
    """Post-norm: the norms sit on the branch outputs, not on the block inputs."""

    def __init__(self, v: VisionConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(v.width, eps=v.layer_norm_eps)
        self.attn = EvaAttention(v)
        self.norm2 = nn.LayerNorm(v.width, eps=v.layer_norm_eps)
        self.mlp = EvaMlp(v)

    def forward(self, x):
        x = x + self.norm1(self.attn(x))
        return x + self.norm2(self.mlp(x))


class EvaVisionTransformer(nn.Module):
    def __init__(self, v: VisionConfig):
        super().__init__()
        self.patch_embed = PatchEmbed(v)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, v.width))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + v.patches, v.width))
        self.blocks = nn.ModuleList([EvaBlock(v) for _ in range(v.layers)])
        # Stored in the checkpoint, unused: InfiMM-HD takes the last block's tokens without the final norm.
        self.norm = nn.LayerNorm(v.width, eps=v.layer_norm_eps)
        self.head = nn.Linear(v.width, v.embed_dim)

    def forward(self, pixels):  # pixels: [N, 3, S, S] -> features [N, 1 + P, D]
        x = self.patch_embed.proj(pixels).flatten(2).transpose(1, 2)  # [N, P, D]
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)  # [N, 1 + P, D]
        x = x + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return x


def sub_image_positions(rows: int, cols: int, dim: int, dtype=torch.float64):
    """[1 + rows·cols, dim]: zeros for the thumbnail, then concat(table[col], table[row]) per tile,
    row-major; table[p, k] = sin(p / 10000^(2⌊k/2⌋/(dim/2))) for even k, cos for odd k."""
    half = dim // 2
    k = torch.arange(half, dtype=torch.float64)
    inv = 10000.0 ** (-(2 * torch.div(k, 2, rounding_mode="floor")) / half)

    def table(p: int):
        angles = p * inv
        return torch.where(k % 2 == 0, torch.sin(angles), torch.cos(angles))

    rows_out = [torch.zeros(dim, dtype=torch.float64)]
    for i in range(rows):
        for j in range(cols):
            rows_out.append(torch.cat([table(j), table(i)]))
    return torch.stack(rows_out).to(dtype)


# ---------------------------------------------------------------- gated cross-attention


class MaskedCrossAttention(nn.Module):
    def __init__(self, dim: int, dim_visual: int, c: CrossAttentionConfig):
        super().__init__()
        self.heads, self.dim_head = c.heads, c.dim_head
        self.norm = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, c.inner, bias=False)
        self.to_kv = nn.Linear(dim_visual, 2 * c.inner, bias=False)
        self.to_out = nn.Linear(c.inner, dim, bias=False)

    def keys_values(self, media):  # media: [n, Dv] -> k, v: [H, n, dh]
        k, v = self.to_kv(media).chunk(2, dim=-1)
        return tuple(t.reshape(-1, self.heads, self.dim_head).transpose(0, 1) for t in (k, v))

    def forward(self, x, images, text_time):
        """x: [T, D]; images: list of [n_j, Dv], the j-th belonging to the j-th <image> token;
        text_time: [T], the number of <image> tokens at or before each position."""
        q = self.to_q(self.norm(x)).reshape(-1, self.heads, self.dim_head).transpose(0, 1)  # [H, T, dh]
        kv = [self.keys_values(m) for m in images]
        k = torch.cat([k for k, _ in kv], dim=1)  # [H, Σn, dh]
        v = torch.cat([v for _, v in kv], dim=1)
        media_time = torch.cat([torch.full((m.shape[0],), j + 1) for j, m in enumerate(images)])  # [Σn]
        sim = (q * self.dim_head ** -0.5) @ k.transpose(-2, -1)  # [H, T, Σn]
        # Each token sees only the most recent preceding image.
        allowed = text_time[:, None] == media_time[None, :]  # [T, Σn]
        sim = sim.masked_fill(~allowed, -torch.finfo(sim.dtype).max)
        sim = sim - sim.amax(dim=-1, keepdim=True).detach()
        attn = sim.softmax(dim=-1)
        attn = attn.masked_fill((text_time == 0)[None, :, None], 0.0)  # no image yet: no attention
        out = (attn @ v).transpose(0, 1).reshape(x.shape[0], -1)  # [T, inner]
        return self.to_out(out)


class GatedCrossAttentionBlock(nn.Module):
    def __init__(self, dim: int, dim_visual: int, c: CrossAttentionConfig):
        super().__init__()
        self.attn = MaskedCrossAttention(dim, dim_visual, c)
        self.attn_gate = nn.Parameter(torch.zeros(dim))  # element-wise gates, zero at init
        self.ff = nn.Sequential(
            nn.LayerNorm(dim), nn.Linear(dim, dim * c.ff_mult, bias=False), nn.GELU(), nn.Linear(dim * c.ff_mult, dim, bias=False)
        )
        self.ff_gate = nn.Parameter(torch.zeros(dim))

    def forward(self, x, images, text_time):
        x = self.attn(x, images, text_time) * self.attn_gate.tanh() + x
        return self.ff(x) * self.ff_gate.tanh() + x


# ---------------------------------------------------------------- language model: LLaMA


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([-x2, x1], dim=-1)


class LlamaAttention(nn.Module):
    def __init__(self, c: LanguageConfig):
        super().__init__()
        self.c = c
        hd = c.head_dim
        self.q_proj = nn.Linear(c.hidden_size, c.num_attention_heads * hd, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * hd, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * hd, bias=False)
        self.o_proj = nn.Linear(c.num_attention_heads * hd, c.hidden_size, bias=False)

    def forward(self, x, positions):  # x: [T, D], positions: [T]
        c, hd, t = self.c, self.c.head_dim, x.shape[0]
        q = self.q_proj(x).reshape(t, c.num_attention_heads, hd).transpose(0, 1)  # [H, T, hd]
        k = self.k_proj(x).reshape(t, c.num_key_value_heads, hd).transpose(0, 1)  # [Hkv, T, hd]
        v = self.v_proj(x).reshape(t, c.num_key_value_heads, hd).transpose(0, 1)
        inv_freq = 1.0 / (c.rope_theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
        freqs = positions.to(torch.float64)[:, None] * inv_freq[None, :]  # [T, hd/2]
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos().to(x.dtype), emb.sin().to(x.dtype)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        repeat = c.num_attention_heads // c.num_key_value_heads
        k, v = k.repeat_interleave(repeat, dim=0), v.repeat_interleave(repeat, dim=0)  # [H, T, hd]
        sim = (q @ k.transpose(-2, -1)) / math.sqrt(hd)  # [H, T, T]
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        sim = sim.masked_fill(~causal, -torch.finfo(sim.dtype).max)
        out = sim.softmax(dim=-1) @ v  # [H, T, hd]
        return self.o_proj(out.transpose(0, 1).reshape(t, -1))


class LlamaMLP(nn.Module):
    def __init__(self, c: LanguageConfig):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, c: LanguageConfig):
        super().__init__()
        self.self_attn = LlamaAttention(c)
        self.mlp = LlamaMLP(c)
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)

    def forward(self, x, positions):
        x = x + self.self_attn(self.input_layernorm(x), positions)
        return x + self.mlp(self.post_attention_layernorm(x))


class FlamingoLayer(nn.Module):
    """The gated cross-attention block (if any) runs before its decoder layer."""

    def __init__(self, gated_cross_attn_layer, decoder_layer):
        super().__init__()
        self.gated_cross_attn_layer = gated_cross_attn_layer
        self.decoder_layer = decoder_layer


class LlamaModel(nn.Module):
    def __init__(self, c: LanguageConfig, layers):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(layers)
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)


class LangEncoder(nn.Module):
    def __init__(self, config: InfimmConfig):
        super().__init__()
        c = config.language
        cross_at = set(config.cross_layers())
        decoders = [LlamaDecoderLayer(c) for _ in range(c.num_hidden_layers)]
        gated = [
            GatedCrossAttentionBlock(c.hidden_size, config.visual.width, config.cross) if i in cross_at else None
            for i in range(c.num_hidden_layers)
        ]
        self.model = LlamaModel(c, [FlamingoLayer(g, d) for g, d in zip(gated, decoders)])
        self.lm_head = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        # The same modules again, as the Flamingo wrapper registers them: aliased keys in the state dict.
        self.old_decoder_blocks = nn.ModuleList(decoders)
        self.gated_cross_attn_layers = nn.ModuleList(gated)


class InfiMMHD(nn.Module):
    def __init__(self, config: InfimmConfig):
        super().__init__()
        self.config = config
        self.vision_encoder = EvaVisionTransformer(config.visual)
        self.lang_encoder = LangEncoder(config)

    def image_media(self, features, rows: int, cols: int):
        """One image's media tokens: its views' features [V, 1+P, Dv] plus the sub-image position
        vectors, concatenated along the token axis → [V·(1+P), Dv]."""
        pe = sub_image_positions(rows, cols, features.shape[-1], features.dtype)  # [V, Dv]
        return (features + pe[:, None, :]).reshape(-1, features.shape[-1])

    def image_memory(self, media):
        """K/V of every gated cross-attention block for one image: list of (k, v), each [H, n, dh]."""
        return [
            tuple(layer.gated_cross_attn_layer.attn.keys_values(media))
            for layer in self.lang_encoder.model.layers
            if layer.gated_cross_attn_layer is not None
        ]

    def logits(self, input_ids, images):
        """input_ids: [T] int64; images: list of media [n_j, Dv], one per <image> token, in order.
        Returns [T, vocab]. Full recomputation: no cache."""
        is_image = input_ids == self.config.image_token_id
        if int(is_image.sum()) != len(images):
            raise ValueError(f"{int(is_image.sum())} <image> tokens but {len(images)} images")
        text_time = torch.cumsum(is_image.to(torch.int64), dim=0)  # the <image> token counts itself
        lm = self.lang_encoder.model
        x = lm.embed_tokens(input_ids)
        positions = torch.arange(input_ids.shape[0])
        for layer in lm.layers:
            # A prompt without <image> skips the gated blocks entirely (the authors' per-sample flag).
            if layer.gated_cross_attn_layer is not None and len(images) > 0:
                x = layer.gated_cross_attn_layer(x, images, text_time)
            x = layer.decoder_layer(x, positions)
        return self.lang_encoder.lm_head(lm.norm(x))

    def greedy(self, input_ids, images, max_new_tokens: int, stop_ids=()):
        ids = input_ids.clone()
        out = []
        for _ in range(max_new_tokens):
            logits = self.logits(ids, images)[-1]
            logits[self.config.image_token_id] = -float("inf")  # an <image> token without an image is never generated
            nxt = int(logits.argmax())
            out.append(nxt)
            if nxt in stop_ids:
                break
            ids = torch.cat([ids, torch.tensor([nxt])])
        return out
