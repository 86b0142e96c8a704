"""Runs python/infimm/tokenization.py on a batch of conversations for the TypeScript/Python twin test.

stdin: {"model": path, "conversations": [{"image": bool, "turns": [{"question", "answer"}], "question": str}]}
stdout: per conversation {"prompt": ids, "ids": training ids, "labels": training labels}
"""
import json
import sys

from infimm.tokenization import InfimmTokenizer, Turn, prompt_ids, training_example

request = json.load(sys.stdin)
tokenizer = InfimmTokenizer(request["model"])
results = []
for conversation in request["conversations"]:
    turns = [Turn(**turn) for turn in conversation["turns"]]
    ids, labels = training_example(tokenizer, conversation["image"], turns)
    prompt = prompt_ids(tokenizer, conversation["image"], turns, conversation["question"])
    results.append({"prompt": prompt, "ids": ids, "labels": labels, "encoded": tokenizer.encode(conversation["question"], True)})
json.dump(results, sys.stdout)
