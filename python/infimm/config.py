"""Architecture configuration, read from and written to an InfiMM-HD style `config.json`.

Field names follow the authors' configs where they are known: an open_clip-style `visual` section
(layers, width, head_width, mlp_ratio, patch_size, image_size), a LLaMA `language` section, and
`cross_attn_every_n_layers`. The cross-attention block shape (heads × dim_head, ff_mult) is stored
under `cross_attention`.
"""
from dataclasses import dataclass, asdict
import json


@dataclass
class VisionConfig:
    image_size: int = 448
    patch_size: int = 14
    width: int = 1792
    layers: int = 64
    head_width: int = 112
    mlp_ratio: float = 8.571428571428571
    layer_norm_eps: float = 1e-6
    # Width of the CLIP projection head, which is stored in the checkpoint but not used.
    embed_dim: int = 1024

    @property
    def heads(self) -> int:
        return self.width // self.head_width

    @property
    def mlp_hidden(self) -> int:
        return int(self.width * self.mlp_ratio)

    @property
    def patches(self) -> int:
        return (self.image_size // self.patch_size) ** 2


@dataclass
class LanguageConfig:
    vocab_size: int = 32002
    hidden_size: int = 5120
    intermediate_size: int = 13824
    num_hidden_layers: int = 40
    num_attention_heads: int = 40
    num_key_value_heads: int = 40
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    max_position_embeddings: int = 4096
    bos_token_id: int = 1
    eos_token_id: int = 2
    pad_token_id: int = 0

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads


@dataclass
class CrossAttentionConfig:
    heads: int = 12
    dim_head: int = 64
    ff_mult: int = 1
    every_n_layers: int = 4

    @property
    def inner(self) -> int:
        return self.heads * self.dim_head


@dataclass
class InfimmConfig:
    visual: VisionConfig
    language: LanguageConfig
    cross: CrossAttentionConfig
    eoc_token_id: int = 32000
    image_token_id: int = 32001

    def cross_layers(self) -> list[int]:
        """Decoder layers preceded by a gated cross-attention block: (i + 1) mod N == 0."""
        n = self.cross.every_n_layers
        return [i for i in range(self.language.num_hidden_layers) if (i + 1) % n == 0]

    def to_json(self) -> dict:
        return {
            "model_type": "infimmhd",
            "architectures": ["InfiMMHDModel"],
            "cross_attn_every_n_layers": self.cross.every_n_layers,
            "eoc_token_id": self.eoc_token_id,
            "image_token_id": self.image_token_id,
            "seq_length": self.language.max_position_embeddings,
            "visual": asdict(self.visual),
            "language": asdict(self.language),
            "cross_attention": {"heads": self.cross.heads, "dim_head": self.cross.dim_head, "ff_mult": self.cross.ff_mult},
        }

    @staticmethod
    def from_json(data: dict) -> "InfimmConfig":
        cross = dict(data.get("cross_attention", {}))
        cross["every_n_layers"] = data["cross_attn_every_n_layers"]
        return InfimmConfig(
            visual=VisionConfig(**data["visual"]),
            language=LanguageConfig(**data["language"]),
            cross=CrossAttentionConfig(**cross),
            eoc_token_id=data.get("eoc_token_id", 32000),
            image_token_id=data.get("image_token_id", 32001),
        )

    @staticmethod
    def load(path: str) -> "InfimmConfig":
        with open(path) as f:
            return InfimmConfig.from_json(json.load(f))
