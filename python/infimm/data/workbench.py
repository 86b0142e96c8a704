"""An editor workbench as people screenshot it: an optional title bar naming the open file, activity bar, explorer,
tabs (file-type badges, the active tab's close mark), optional breadcrumbs, an editor with a line-number gutter and
syntax colours, an optional terminal panel and a status bar, in light, dark and high-contrast themes."""
from __future__ import annotations

import random
import re

from . import QA, describe_list, names
from .render import DARK, HIGH_CONTRAST, LIGHT, MONO, SANS, canvas, font, text_width
from .screens import LANGUAGES, code_lines, line_question, yes_no

APPS = ["Visual Studio Code", "code-server", "VSCodium", "Code - OSS"]
COMMANDS = ["npm test", "git status", "make", "pytest -q", "go build", "node app.js", "cargo check", "npm run lint"]
OUTPUTS = {"ok": ["All tests passed", "nothing to commit", "build finished", "3 passed in 0.4s", "no issues"],
           "error": ["Error: Cannot find module", "1 failed, 2 passed", "error: build failed", "SyntaxError: bad token"]}
KEYWORDS = {"def", "return", "import", "function", "const", "func", "package", "int", "from"}
# Syntax colours per theme: keyword, number, name.
SYNTAX = {"light": ((175, 0, 219), (9, 134, 88), (121, 94, 38)), "dark": ((197, 134, 192), (181, 206, 168), (220, 220, 170)),
          "high contrast": ((86, 156, 214), (181, 206, 168), (255, 255, 0))}
STATUS = {"light": (0, 122, 204), "dark": (0, 122, 204), "high contrast": (0, 0, 0)}
LANGUAGE_NAMES = {"python": "Python", "javascript": "JavaScript", "go": "Go"}


def draw_code(draw, x: int, y: int, line: str, mono, colours, plain, line_number: int) -> None:
    """Code line `line_number`, token by token, in the theme's syntax colours (recorded as one text for the OCR)."""
    keyword, number, _ = colours
    cursor = x
    for token in re.findall(r"\s+|\w+|[^\w\s]", line):
        colour = keyword if token in KEYWORDS else number if token.isdigit() else plain
        draw.text((cursor, y), token, fill=colour, font=mono, record=False)
        cursor += text_width(draw, token, mono)
    draw.record(line, (x, y), mono, line_number)


def workbench(rng: random.Random, held_out: bool):
    t = rng.choice([LIGHT, DARK, DARK, HIGH_CONTRAST])
    extension = rng.choice(list(LANGUAGES))
    language = LANGUAGES[extension]
    name = names.function_name(rng, language)
    lines = code_lines(rng, language, name)
    files = sorted({names.file_name(rng, rng.choice([*LANGUAGES, None])) for _ in range(rng.randint(3, 6))})
    active = names.file_name(rng, extension)
    if active not in files:
        files[rng.randrange(len(files))] = active
    tabs = [active] + [f for f in files if f != active][: rng.randint(0, 2)]
    rng.shuffle(tabs)
    branch = names.branch(rng)
    # Title bar and breadcrumbs are often cropped out of a screenshot; badges depend on the icon theme.
    title_height = 22 if rng.random() < 0.7 else 0
    crumbs_height = 16 if rng.random() < 0.5 else 0
    badges = rng.random() < 0.5
    terminal = rng.random() < 0.5
    failed = rng.random() < 0.5
    command = rng.choice(COMMANDS)
    output = rng.choice(OUTPUTS["error" if failed else "ok"])

    ui, mono = font(rng.choice(SANS), rng.randint(10, 12)), font(rng.choice(MONO), rng.randint(10, 12))
    line_height = mono.size + 4
    editor_lines = len(lines) + (4 if terminal else 0)
    image, draw = canvas(rng, 330, 480, t.background, min_height=70 + title_height + crumbs_height + line_height * editor_lines + 40)
    width, height = image.size
    side = t.panel if t is not HIGH_CONTRAST else (0, 0, 0)
    if title_height:
        draw.rectangle([0, 0, width, title_height - 1], fill=tuple(max(0, c - 16) for c in side))
        title = f" {rng.choice(['-', '—'])} ".join([active, names.project(rng), rng.choice(APPS)])
        draw.text((max(4, (width - text_width(draw, title, ui)) // 2), 5), title, font=ui, fill=t.text)

    def label(x: int, y: int, file: str, fill, right: int = width) -> int:
        """A file name with its type badge where the icon theme shows one, cut with "…" before `right` as the
        explorer cuts it; the x past it."""
        if badges:
            badge = file.rsplit(".", 1)[1][:2].upper()
            draw.text((x, y + 1), badge, font=font(SANS[0], 8), fill=t.accent)
            x += 16
        shown = file
        while x + text_width(draw, shown, ui) > right - 4 and len(shown) > 2:
            shown = shown[:-2] + "…"
        draw.text((x, y), shown, font=ui, fill=fill)
        return x + text_width(draw, shown, ui)

    # Held-out layout: the explorer on the right, as with the side bar moved there.
    activity_x = width - 24 if held_out else 0
    explorer_x0 = width - 24 - 100 if held_out else 24
    editor_x0 = 0 if held_out else 124
    editor_x1 = width - 124 if held_out else width
    y0 = title_height
    # The panes in reading order: title bar, Explorer (on the left), tabs, breadcrumbs, code, terminal, status bar.
    status_top = height - 18
    panel_top = status_top - 4 * line_height - 8 if terminal else status_top
    editor_top = y0 + 22 + crumbs_height
    explorer = [(explorer_x0, y0, explorer_x0 + 100, status_top)]
    editor = [(editor_x0, y0, editor_x1, y0 + 22), (editor_x0, y0 + 22, editor_x1, editor_top),
              (editor_x0, editor_top, editor_x1, panel_top), (editor_x0, panel_top, editor_x1, status_top)]
    for region in [(0, 0, width, y0), *(editor + explorer if held_out else explorer + editor), (0, status_top, width, height)]:
        draw.region(region)
    draw.rectangle([activity_x, y0, activity_x + 24, height], fill=tuple(max(0, c - 12) for c in side))
    for i in range(4):
        draw.rectangle([activity_x + 7, y0 + 10 + 28 * i, activity_x + 17, y0 + 20 + 28 * i], outline=t.muted)
    draw.rectangle([explorer_x0, y0, explorer_x0 + 100, height], fill=side, outline=t.border if t is HIGH_CONTRAST else None)
    draw.text((explorer_x0 + 8, y0 + 6), "EXPLORER", font=font(SANS[0], 9), fill=t.muted)
    for i, f in enumerate(files):
        y = y0 + 24 + 16 * i
        if f == active:
            draw.rectangle([explorer_x0, y - 1, explorer_x0 + 100, y + 14], fill=t.accent if t is not HIGH_CONTRAST else (0, 0, 0),
                           outline=t.border if t is HIGH_CONTRAST else None)
        label(explorer_x0 + 8, y, f, (255, 255, 255) if f == active and t is not HIGH_CONTRAST else t.text, explorer_x0 + 100)
    # Tabs: the active one has the editor's colour, an accent line and a close mark.
    x = editor_x0
    for tab in tabs:
        w = text_width(draw, tab, ui) + 20 + (16 if badges else 0) + (12 if tab == active else 0)
        if tab == active:
            draw.rectangle([x, y0, x + w, y0 + 22], fill=t.background)
            draw.line([x, y0, x + w, y0], fill=t.accent, width=2)
        else:
            draw.rectangle([x, y0, x + w, y0 + 22], fill=tuple(max(0, c - 8) for c in side))
        end = label(x + 10, y0 + 5, tab, t.text if tab == active else t.muted)
        if tab == active:
            draw.text((end + 6, y0 + 5), "×", font=ui, fill=t.muted)
        x += w + 1
    if crumbs_height:
        crumbs = " > ".join([names.file_stem(rng), active, name])
        draw.text((editor_x0 + 8, y0 + 26), crumbs, font=font(SANS[0], 9), fill=t.muted)
    colours = SYNTAX[t.name]
    top = y0 + crumbs_height + 30
    for number, line in enumerate(lines, start=1):
        y = top + (number - 1) * line_height
        # The gutter's numbers are not text: the runtime's OCR reports each as its code row's line number.
        draw.text((editor_x0 + 6, y), f"{number:>2}", font=mono, fill=t.muted, record=False)
        draw_code(draw, editor_x0 + 32, y, line.replace("\t", "    "), mono, colours, t.text, number)
    if terminal:
        draw.line([editor_x0, panel_top, editor_x1, panel_top], fill=t.border)
        draw.text((editor_x0 + 8, panel_top + 4), "TERMINAL", font=font(SANS[0], 9), fill=t.text)
        draw.text((editor_x0 + 8, panel_top + 4 + line_height), f"$ {command}", font=mono, fill=t.text)
        red, green = (220, 50, 50) if t is LIGHT else (255, 100, 100), (20, 140, 50) if t is LIGHT else (110, 220, 120)
        draw.text((editor_x0 + 8, panel_top + 4 + 2 * line_height), output, font=mono, fill=red if failed else green)
    draw.rectangle([0, status_top, width, height], fill=STATUS[t.name], outline=t.border if t is HIGH_CONTRAST else None)
    status_font = font(SANS[0], 10)
    draw.text((6, status_top + 3), branch, font=status_font, fill=(255, 255, 255))
    cursor = f"Ln {rng.randint(1, len(lines))}, Col {rng.randint(1, 20)}"
    right = f"{cursor}   {LANGUAGE_NAMES[language]}"
    draw.text((width - text_width(draw, right, status_font) - 8, status_top + 3), right, font=status_font, fill=(255, 255, 255))

    theme_answer = t.name
    qa = [QA("Which file is open?", active, "reading"),
          QA("What is the current branch?", branch, "reading"),
          QA("Which language is this?", language, "reading"),
          QA("What is the name of the function?", name, "reading"),
          QA("Is the theme light or dark?" if t is not HIGH_CONTRAST else "Which theme is this?", theme_answer, "ui_state"),
          QA("Is the terminal open?", yes_no(terminal), "ui_state"),
          QA("How many files are in the explorer?", str(len(files)), "count"),
          QA("How many tabs are open?", str(len(tabs)), "count")]
    if terminal:
        qa += [QA("What command was run in the terminal?", command, "reading"),
               QA("Did the command fail?", yes_no(failed), "ui_state")]
    summary = (f"A {theme_answer} editor window with {active} open on branch {branch}: "
               f"a {language} function {name}, {len(files)} files in the explorer and {len(tabs)} tab{'s' if len(tabs) > 1 else ''} "
               f"({describe_list(tabs)}).")
    if terminal:
        summary += f" The terminal ran {command}: {output}."
    elements = (active, branch, name) + ((command,) if terminal else ())
    qa.append(QA(rng.choice(["Describe this screenshot.", "What is on this screen?"]), summary, "description", elements))
    qa.append(line_question(lines, rng))
    return image, f"An editor showing {active}.", qa
