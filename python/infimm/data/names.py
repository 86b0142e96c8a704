"""Names as real projects have them: file names, function names, branches and projects made of a few words in the
casing conventions of code, drawn from thousands of combinations, and a share of made-up words (`gguf`, `ljharb`,
`vscode`: real names are full of words no dictionary has). A model that sees only a handful of names learns to
answer "Which file is open?" from a list it remembers; with these it has to read the name off the screen, and with
the made-up ones it has to copy it letter by letter instead of finishing a word it knows."""
from __future__ import annotations

import random

WORDS = [
    "app", "auth", "batch", "buffer", "build", "cache", "canvas", "chart", "client", "codec", "config", "context",
    "core", "cursor", "data", "debug", "decode", "detect", "diff", "editor", "encode", "engine", "entry", "error",
    "event", "export", "fetch", "field", "file", "filter", "format", "frame", "graph", "grid", "handler", "hash",
    "header", "image", "index", "input", "item", "job", "json", "kernel", "label", "layer", "layout", "lexer",
    "line", "link", "list", "load", "lock", "log", "main", "map", "match", "memory", "merge", "message", "meta",
    "model", "module", "node", "order", "output", "page", "panel", "parse", "parser", "path", "pixel", "plan",
    "plugin", "point", "pool", "price", "print", "process", "queue", "reader", "record", "render", "report",
    "request", "route", "rule", "runner", "scale", "schema", "scope", "search", "send", "server", "session",
    "shape", "sort", "source", "split", "stage", "state", "store", "stream", "style", "table", "task", "test",
    "text", "theme", "tile", "timer", "token", "tree", "update", "upload", "user", "utils", "view", "vision",
    "widget", "window", "worker", "writer", "zone",
]
VERBS = ["add", "build", "check", "clear", "compute", "count", "create", "decode", "draw", "encode", "fetch", "find",
         "format", "get", "handle", "init", "load", "make", "merge", "open", "parse", "read", "render", "reset",
         "resolve", "run", "save", "scan", "send", "set", "sort", "split", "start", "update", "validate", "write"]
CONSONANTS = "bcdfghjklmnprstvwxz"
VOWELS = "aeiouy"
# The share of a name's words made up (a word in WORDS is what a model that only half reads would guess instead).
MADE_UP_SHARE = 0.3
OTHER_EXTENSIONS = ["ts", "tsx", "json", "md", "rs", "java", "c", "cpp", "css", "html", "yaml", "toml", "sh", "txt", "rb"]


def made_up_word(rng: random.Random) -> str:
    """Two to eight letters in syllables of up to two consonants and a vowel, sometimes a digit at the end."""
    letters, length = "", rng.randint(2, 8)
    while len(letters) < length:
        letters += "".join(rng.choice(CONSONANTS) for _ in range(rng.randint(0, 2))) + rng.choice(VOWELS)
    return letters + (str(rng.randint(0, 9)) if rng.random() < 0.15 else "")


def _word(rng: random.Random, known: list[str]) -> str:
    return made_up_word(rng) if rng.random() < MADE_UP_SHARE else rng.choice(known)


def _words(rng: random.Random, first: list[str], most: int) -> list[str]:
    return [_word(rng, first)] + [_word(rng, WORDS) for _ in range(rng.randint(0, most - 1))]


def _case(words: list[str], style: str) -> str:
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if style == "pascal":
        return "".join(w.capitalize() for w in words)
    return ("-" if style == "kebab" else "_").join(words)


def file_stem(rng: random.Random) -> str:
    return _case(_words(rng, WORDS, 2), rng.choice(["snake", "kebab", "camel", "snake"]))


def file_name(rng: random.Random, extension: str | None = None) -> str:
    """A file name; with `extension` None, any of the code and text extensions."""
    return f"{file_stem(rng)}.{extension or rng.choice(OTHER_EXTENSIONS)}"


def function_name(rng: random.Random, language: str) -> str:
    """A verb and up to two words in the language's convention (Go's exported names in Pascal case)."""
    words = [rng.choice(VERBS)] + _words(rng, WORDS, 2)[: rng.randint(0, 2)]
    if language == "python":
        return _case(words, "snake")
    return _case(words, "pascal" if language == "go" and rng.random() < 0.5 else "camel")


def branch(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(["main", "master", "dev", "develop"])
    prefix = rng.choice(["", "feature/", "fix/", "chore/", "release/"])
    return prefix + _case(_words(rng, VERBS + WORDS, 3), "kebab")


def project(rng: random.Random) -> str:
    return _case(_words(rng, WORDS, 3), rng.choice(["kebab", "kebab", "snake", "camel"]))


def title(rng: random.Random, common: list[str]) -> str:
    """A window, dialog or diagram title: half the time one of the `common` ones, else a new phrase of one or two
    capitalised words."""
    if rng.random() < 0.5:
        return rng.choice(common)
    return " ".join(w.capitalize() for w in _words(rng, VERBS + WORDS, 2))


def command(rng: random.Random, common: list[str]) -> str:
    """A shell command: half the time one of the `common` ones, else a script, a file or a branch of this project."""
    if rng.random() < 0.5:
        return rng.choice(common)
    return rng.choice([
        lambda: f"npm run {file_stem(rng)}", lambda: f"python {file_name(rng, 'py')}", lambda: f"git checkout {branch(rng)}",
        lambda: f"cat {file_name(rng)}", lambda: f"make {rng.choice(WORDS)}", lambda: f"node {file_name(rng, 'js')}",
    ])()
