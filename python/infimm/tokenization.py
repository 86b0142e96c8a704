"""InfiMM-HD tokenizer and Vicuna prompt for training: the twin of src/tokens/tokenizer.ts and prompt.ts.

Both sides give the same ids for the same conversation (a test checks it):

    <s>SYSTEM USER: <image>Q1 ASSISTANT: A1<|endofchunk|> USER: Q2 ASSISTANT: A2<|endofchunk|> ...

A model trained with OCR context (ocr_context.py) reads it right after <image>, in the text of the first question.

Text is split on the added tokens and each piece of text between them is encoded by SentencePiece on its own,
with its own dummy-prefix space, as the legacy LlamaTokenizer of transformers 4.35 does. Questions and
answers are always text: an added-token string typed inside them is not made a token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from os import PathLike
from typing import Union

import sentencepiece as spm

SYSTEM_PROMPT = (
    "A chat between a curious user and an artificial intelligence assistant. "
    "The assistant gives helpful, detailed, and polite answers to the user's questions."
)
END_OF_CHUNK = "<|endofchunk|>"
IMAGE_TOKEN = "<image>"
# Label of positions that carry no loss: the default ignore_index of torch.nn.functional.cross_entropy.
IGNORE_INDEX = -100

_ADDED_TOKEN_SPLIT = re.compile(r"(<\|endofchunk\|>|<image>)")

# Text, or the id of an added token.
Segment = Union[str, int]


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str


class InfimmTokenizer:
    """LLaMA's SentencePiece model plus <|endofchunk|> and <image> right after its vocabulary."""

    def __init__(self, model_file: str | PathLike[str]):
        self.sp = spm.SentencePieceProcessor(model_file=str(model_file))
        self.bos = self.sp.bos_id()
        self.eos = self.sp.eos_id()
        if self.bos < 0 or self.eos < 0:
            raise ValueError(f"{model_file} defines no BOS or EOS token; use the LLaMA/Vicuna tokenizer.model.")
        self.end_of_chunk = self.sp.get_piece_size()
        self.image = self.end_of_chunk + 1
        self.vocab_size = self.end_of_chunk + 2

    def encode(self, text: str, add_bos: bool = False) -> list[int]:
        added = {END_OF_CHUNK: self.end_of_chunk, IMAGE_TOKEN: self.image}
        segments = [added.get(part, part) for part in _ADDED_TOKEN_SPLIT.split(text)]
        return ([self.bos] if add_bos else []) + self.encode_segments(segments)

    def encode_segments(self, segments: list[Segment]) -> list[int]:
        """Adjacent strings form one piece of text; ids go in as they are."""
        return _encode(self, [(segment, "") if isinstance(segment, str) else (segment, False) for segment in segments])[0]


def _conversation(tokenizer: InfimmTokenizer, image: bool, turns: list[Turn], question: str | None, context: str = ""):
    """(text, answer) for text, whose answer part carries the loss; (id, trained) for added tokens."""
    parts: list[tuple[str, str] | tuple[int, bool]] = [(f"{SYSTEM_PROMPT} USER: ", "")]
    if image:
        parts.append((tokenizer.image, False))
    if context:
        parts.append((context, ""))
    for index, turn in enumerate(turns):
        parts.append((f"{' USER: ' if index else ''}{turn.question} ASSISTANT:", f" {turn.answer}"))
        parts.append((tokenizer.end_of_chunk, True))
    if question is not None:
        parts.append((f"{' USER: ' if turns else ''}{question} ASSISTANT:", ""))
    return parts


def _encode(tokenizer: InfimmTokenizer, parts) -> tuple[list[int], list[int]]:
    ids: list[int] = []
    labels: list[int] = []
    text = ""

    def flush(answer: str) -> None:
        nonlocal text
        full = tokenizer.sp.encode(text + answer)
        context = tokenizer.sp.encode(text) if answer else full
        if full[: len(context)] != context:
            raise ValueError(
                f"The answer {answer[:40]!r} merges with the text before it into one token, so the loss mask "
                "cannot separate them; check that the tokenizer.model is LLaMA's."
            )
        ids.extend(full)
        labels.extend([IGNORE_INDEX] * len(context) + full[len(context) :])
        text = ""

    for part, extra in parts:
        if isinstance(part, str):
            text += part
            if extra:
                flush(extra)  # an answer always ends its piece of text: <|endofchunk|> follows
            continue
        flush("")
        ids.append(part)
        labels.append(part if extra else IGNORE_INDEX)
    flush("")
    return ids, labels


def prompt_ids(tokenizer: InfimmTokenizer, image: bool, turns: list[Turn], question: str, context: str = "") -> list[int]:
    """Ids the model reads to answer `question` after the finished turns: BOS first, " ASSISTANT:" last."""
    return [tokenizer.bos] + _encode(tokenizer, _conversation(tokenizer, image, turns, question, context))[0]


def training_example(tokenizer: InfimmTokenizer, image: bool, turns: list[Turn], context: str = "") -> tuple[list[int], list[int]]:
    """Ids of a finished conversation and its labels: each answer's tokens and its <|endofchunk|>, else IGNORE_INDEX."""
    ids, labels = _encode(tokenizer, _conversation(tokenizer, image, turns, None, context))
    return [tokenizer.bos] + ids, [IGNORE_INDEX] + labels
