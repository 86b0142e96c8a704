"""Token sequences of each stage, with labels that carry the loss (IGNORE_INDEX elsewhere):

    text (language-model pre-stage)   a chat without an image, loss on every token
    caption (vision pre-stage, PT)    <s><image>CAPTION<|endofchunk|>, loss on the caption and <|endofchunk|>
    vqa (CPT, DRA)                    <s><image>Question: Q Answer: A<|endofchunk|> Question: …, loss on answers
                                      and <|endofchunk|> (the short multi-task format, no system prompt)
    chat (IFT)                        tokenization.training_example: the Vicuna chat, loss on answers and
                                      <|endofchunk|>
"""
from __future__ import annotations

import random

import torch

from ..data import Sample
from ..tokenization import IGNORE_INDEX, InfimmTokenizer, Turn, _encode, training_example

CPT_QUESTION, CPT_ANSWER = "Question:", "Answer:"


def turns(s: Sample, rng: random.Random) -> list[Turn]:
    """All of a sample's questions, in a random order, so no answer can be told from its position."""
    qa = list(s.qa)
    rng.shuffle(qa)
    return [Turn(q.question, q.answer) for q in qa]


def text_example(tokenizer: InfimmTokenizer, s: Sample, rng: random.Random):
    ids, _ = training_example(tokenizer, False, turns(s, rng))
    return ids, [IGNORE_INDEX] + ids[1:]


def caption_example(tokenizer: InfimmTokenizer, s: Sample, rng: random.Random):
    ids, labels = _encode(tokenizer, [(tokenizer.image, False), ("", s.caption), (tokenizer.end_of_chunk, True)])
    return [tokenizer.bos] + ids, [IGNORE_INDEX] + labels


def vqa_example(tokenizer: InfimmTokenizer, s: Sample, rng: random.Random):
    parts = [(tokenizer.image, False)]
    for index, turn in enumerate(turns(s, rng)):
        parts.append((f"{' ' if index else ''}{CPT_QUESTION} {turn.question} {CPT_ANSWER}", f" {turn.answer}"))
        parts.append((tokenizer.end_of_chunk, True))
    ids, labels = _encode(tokenizer, parts)
    return [tokenizer.bos] + ids, [IGNORE_INDEX] + labels


def chat_example(tokenizer: InfimmTokenizer, s: Sample, rng: random.Random):
    return training_example(tokenizer, True, turns(s, rng))


FORMATS = {"text": text_example, "caption": caption_example, "vqa": vqa_example, "chat": chat_example}


def pad(sequences: list[list[int]], value: int) -> torch.Tensor:
    """Right padding: under the causal mask, padding after a sequence never changes its logits."""
    length = max(len(s) for s in sequences)
    return torch.tensor([s + [value] * (length - len(s)) for s in sequences], dtype=torch.int64)
