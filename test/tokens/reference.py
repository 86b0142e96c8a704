"""Google's SentencePiece as the reference for the tokenizer tests: one call answers a whole batch.

stdin: {"model": path, "encode": [text, ...], "decode": [[id, ...], ...]}
stdout: {"encoded": [[id, ...], ...], "decoded": [text, ...], "pieces": [[piece, score, kind], ...]}
"""
import json
import sys

import sentencepiece as spm

request = json.load(sys.stdin)
sp = spm.SentencePieceProcessor(model_file=request["model"])


def kind(i):
    for name, test in (("control", sp.is_control), ("unknown", sp.is_unknown), ("byte", sp.is_byte), ("unused", sp.is_unused)):
        if test(i):
            return name
    return "other"


json.dump(
    {
        "encoded": [sp.encode(text) for text in request["encode"]],
        "decoded": [sp.decode(ids) for ids in request["decode"]],
        "pieces": [[sp.id_to_piece(i), sp.get_score(i), kind(i)] for i in range(sp.get_piece_size())],
        "special": [sp.unk_id(), sp.bos_id(), sp.eos_id()],
    },
    sys.stdout,
)
