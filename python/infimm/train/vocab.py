"""The model's own SentencePiece vocabulary, made like LLaMA's (BPE, byte fallback, identity normalisation,
digits split, dummy prefix), trained on the generated questions, answers, descriptions, transcriptions, OCR
contexts and the chat template: the text of screens, code and terminals.
<|endofchunk|> and <image> are not pieces: InfimmTokenizer appends them as ids vocab + 0 and vocab + 1."""
from __future__ import annotations

import io
import random

import sentencepiece as spm

from ..data import FAMILIES, sample
from ..data.ocr import simulate
from ..ocr_context import ocr_context
from ..tokenization import SYSTEM_PROMPT, InfimmTokenizer
from .examples import TRANSCRIBE, transcription


def corpus(samples_per_family: int) -> list[str]:
    lines = []
    for family in FAMILIES:
        for seed in range(samples_per_family):
            s = sample(family, seed)
            rng = random.Random(seed)
            lines.append(s.caption)
            for qa in s.qa:
                lines.append(f"USER: {qa.question} ASSISTANT: {qa.answer}")
            lines.append(f"USER: {rng.choice(TRANSCRIBE)} ASSISTANT: {transcription(s)}")
            # No vocabulary yet to count tokens with: every line fits an unbounded budget.
            lines.append(ocr_context(simulate(s.texts, rng, regions=s.regions), s.image.width, s.image.height, len, 10**9))
    # The system prompt starts every chat: as common in the corpus as the chats themselves.
    lines += [SYSTEM_PROMPT] * (len(lines) // 3)
    return lines


def train_vocabulary(path: str, vocab_size: int, samples_per_family: int = 150) -> None:
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus(samples_per_family)),
        model_writer=model,
        model_type="bpe",
        vocab_size=vocab_size,
        byte_fallback=True,
        normalization_rule_name="identity",
        split_digits=True,
        add_dummy_prefix=True,
        remove_extra_whitespaces=False,
        allow_whitespace_only_pieces=True,
        character_coverage=1.0,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    with open(path, "wb") as f:
        f.write(model.getvalue())


def transfer_embeddings(state: dict, old: InfimmTokenizer, new: InfimmTokenizer) -> dict:
    """A trained model's weights for a new vocabulary: a piece both vocabularies hold keeps its rows; a new piece
    starts as the mean of the input embeddings of the old pieces spelling it, and with the output row of the first
    of them (predicting it starts as predicting its first old piece). Everything else is the model's own."""
    def spelling(piece: str) -> list[int]:
        # The encoder's dummy prefix gives the leading "▁"; a piece inside a word is spelt as a word's start.
        return old.sp.encode(piece.removeprefix("▁").replace("▁", " ")) or [old.sp.unk_id()]

    # Each new piece's old ids, worked out once for both tables: its own id, or the ids that spell it.
    sources = []
    for piece_id in range(new.end_of_chunk):
        piece = new.sp.id_to_piece(piece_id)
        same = old.sp.piece_to_id(piece)
        sources.append([same] if same != old.sp.unk_id() or piece_id == new.sp.unk_id() else spelling(piece))
    result = dict(state)
    for key in [key for key, value in state.items() if value.shape[:1] == (old.vocab_size,)]:
        rows, output = state[key], "lm_head" in key
        table = rows.new_empty((new.vocab_size, rows.shape[1]))
        for piece_id, ids in enumerate(sources):
            table[piece_id] = rows[ids[0]] if output else rows[ids].mean(0)
        table[new.end_of_chunk], table[new.image] = rows[old.end_of_chunk], rows[old.image]
        result[key] = table
    return result
