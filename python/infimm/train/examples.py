"""Token sequences of each stage, all in the runtime's chat format (tokenization.training_example: loss on the
answers and their <|endofchunk|>), with the OCR context of a simulated OCR in the first user turn:

    read (PT, CPT)   "What text is in this image?" → every text in reading order, then up to two short questions
    qa (DRA)         all of an image's short questions (reading, UI state, structure, colour, count), and in
                     half the conversations with OCR context "What is the text at [r,c]?" about one of its lines
                     (or "What is on line N?" about one of its numbered code rows)
    chat (IFT)       short questions, the description ("Describe this screenshot.", alt text, …), sometimes
                     the transcription, and the lookup question as in qa
    copy             a drill outside the paper's recipe: always OCR context, three to six "text at [r,c]" questions
                     about distinct lines and nothing else, so that most of the loss is on copying from the context

Every conversation is one image's; its questions come in a random order, so no answer can be told from its
position. A share of the conversations has no OCR context, so the model also answers from the image alone.
"""
from __future__ import annotations

import random
import re

import torch

from ..data import Sample
from ..data.captures import FAMILY as CAPTURES
from ..data.ocr import reading_lines, simulate
from ..ocr_context import ocr_context
from ..tokenization import InfimmTokenizer, Turn, training_example

TRANSCRIBE = ["What text is in this image?", "Read all the text in the image.", "Transcribe this screenshot."]
# The budget the bundled model is trained with.
OCR_CONTEXT_TOKENS = 512
# config.json's "ocr_context" of a model trained here: the runtime gives it the context it was trained with.
OCR_CONTEXT_CONFIG = {"max_tokens": OCR_CONTEXT_TOKENS, "line_numbers": True}
MAX_TURNS = 6
COPY_TURNS = 6


def transcription(s: Sample) -> str:
    """The ground-truth text of an image: its lines in reading order, one per line, spaces collapsed as in the
    OCR context."""
    return "\n".join(" ".join(text.split()) for text, *_ in reading_lines(s.texts, s.regions))


def transcribable(s: Sample) -> bool:
    """Whether a transcription is asked of the sample: not of a whole workbench screenshot, whose hundred lines
    would make a conversation thousands of tokens long and whose panes have no single reading order to score."""
    return s.family != CAPTURES


def context_for(tokenizer: InfimmTokenizer, s: Sample, rng: random.Random, share: float, turns: list[Turn]) -> str:
    """With probability `share`, the OCR context of the sample's real OCR lines where it has them, else of a
    noisy simulated OCR, for the first of `turns` (as the runtime makes it for a conversation's first question);
    otherwise none."""
    if rng.random() >= share:
        return ""
    lines = s.ocr if s.ocr is not None else simulate(s.texts, rng, rng.choice([0.0, 0.5, 1.0, 1.0, 2.0]), s.regions)
    count = lambda text: len(tokenizer.sp.encode(text))  # noqa: E731
    return ocr_context(lines, s.image.width, s.image.height, count, OCR_CONTEXT_TOKENS, turns[0].question if turns else "")


def short_turns(s: Sample, rng: random.Random) -> list[Turn]:
    qa = [Turn(q.question, q.answer) for q in s.qa if q.kind != "description"]
    rng.shuffle(qa)
    return qa


def uniquely_placed(context: str) -> list[tuple[str, str]]:
    """The (position, text) lines of an OCR context whose position no other line shares."""
    entries = [line.split(" ", 1) for line in context.split("\n")[1:] if line.startswith("[")]
    return [(p, text) for p, text in entries if sum(q == p for q, _ in entries) == 1]


def numbered_rows(context: str) -> list[tuple[int, str]]:
    """The (line number, text) code rows of an OCR context ("[r,c] N: text") whose number no other row shares."""
    rows = [(int(m[1]), m[2]) for m in re.finditer(r"^\[\d,\d\] (\d+): (.*)$", context, re.MULTILINE)]
    return [(n, text) for n, text in rows if sum(m == n for m, _ in rows) == 1]


def position_turn(context: str, rng: random.Random) -> Turn | None:
    """"What is the text at [r,c]?" about a uniquely placed line of the context, or, in half the contexts with
    numbered code rows, "What is on line N?" about one of them: answers that only copying from the context gives,
    which teaches the model to look the text up there by position and by line number."""
    numbered = numbered_rows(context)
    if numbered and rng.random() < 0.5:
        number, text = rng.choice(numbered)
        return Turn(f"What is on line {number}?", text)
    unique = uniquely_placed(context)
    if not unique:
        return None
    return lookup(*rng.choice(unique))


def lookup(position: str, text: str) -> Turn:
    return Turn(f"What is the text at {position}?", text)


def with_position_turn(turns: list[Turn], context: str, rng: random.Random) -> list[Turn]:
    turn = position_turn(context, rng) if context and rng.random() < 0.5 else None
    if turn:
        turns.insert(rng.randrange(len(turns) + 1), turn)
    return turns


def read_example(tokenizer: InfimmTokenizer, s: Sample, rng: random.Random):
    turns = [Turn(rng.choice(TRANSCRIBE), transcription(s))] + short_turns(s, rng)[:2]
    return training_example(tokenizer, True, turns, context_for(tokenizer, s, rng, 0.5, turns))


def qa_example(tokenizer: InfimmTokenizer, s: Sample, rng: random.Random):
    turns = short_turns(s, rng)[:MAX_TURNS]
    context = context_for(tokenizer, s, rng, 0.85, turns)
    return training_example(tokenizer, True, with_position_turn(turns, context, rng), context)


def chat_turns(s: Sample, rng: random.Random) -> list[Turn]:
    """Short questions, the description where the sample has one, and sometimes a transcription, in any order."""
    turns = short_turns(s, rng)[: MAX_TURNS - 1]
    described = [Turn(q.question, q.answer) for q in s.qa if q.kind == "description"]
    if described:
        turns.insert(rng.randrange(len(turns) + 1), described[0])
    # Transcription stays a skill after the reading stage (and is copying practice).
    if transcribable(s) and rng.random() < 0.4:
        turns.insert(rng.randrange(len(turns) + 1), Turn(rng.choice(TRANSCRIBE), transcription(s)))
    return turns


def chat_example(tokenizer: InfimmTokenizer, s: Sample, rng: random.Random):
    turns = chat_turns(s, rng)
    context = context_for(tokenizer, s, rng, 0.85, turns)
    return training_example(tokenizer, True, with_position_turn(turns, context, rng), context)


def copy_turns(context: str, rng: random.Random) -> list[Turn]:
    """Three to six (as many as there are) position lookups of distinct uniquely placed lines."""
    unique = uniquely_placed(context)
    chosen = rng.sample(unique, min(len(unique), rng.randint(3, COPY_TURNS)))
    return [lookup(position, text) for position, text in chosen]


def copy_example(tokenizer: InfimmTokenizer, s: Sample, rng: random.Random):
    """copy_turns; an image whose context has no uniquely placed line is transcribed instead."""
    context = context_for(tokenizer, s, rng, 1.0, [])
    turns = copy_turns(context, rng) or [Turn(rng.choice(TRANSCRIBE), transcription(s))]
    return training_example(tokenizer, True, turns, context)


FORMATS = {"read": read_example, "qa": qa_example, "chat": chat_example, "copy": copy_example}


def pad(sequences: list[list[int]], value: int) -> torch.Tensor:
    """Right padding: under the causal mask, padding after a sequence never changes its logits."""
    length = max(len(s) for s in sequences)
    return torch.tensor([s + [value] * (length - len(s)) for s in sequences], dtype=torch.int64)
