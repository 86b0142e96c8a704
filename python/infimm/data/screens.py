"""Screens: dialogs (buttons, checkboxes, toggles, tabs, light/dark), code editors and terminals."""
from __future__ import annotations

import random

from . import QA, describe_list, names
from .render import MONO, SANS, SANS_BOLD, canvas, font, text_width, theme

TITLES = ["Settings", "Export", "Preferences", "Print", "Open File", "Save As", "Account", "Network", "Updates",
          "Display", "Sharing", "Privacy", "Backup", "Search", "Profile", "Sync"]
BUTTONS = ["OK", "Cancel", "Save", "Apply", "Delete", "Open", "Close", "Retry", "Help", "Next", "Back", "Send"]
OPTIONS = ["Sound", "Autosave", "Wrap lines", "Dark mode", "Notify me", "Sync", "Spell check", "Auto update",
           "Line numbers", "Telemetry", "Show hints", "Bold text", "Remember me", "Minimap"]
TABS = ["General", "Advanced", "Account", "Editor", "Files", "Colors", "Keys", "Network"]


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def dialog(rng: random.Random, held_out: bool):
    t = theme(rng)
    image, draw = canvas(rng, 150, 330, t.background)
    width, height = image.size
    title = names.title(rng, TITLES)
    regular, bold = font(rng.choice(SANS), rng.randint(10, 12)), font(rng.choice(SANS_BOLD), 11)
    draw.rectangle([0, 0, width, 17], fill=t.panel)
    # Held-out layout: the title sits at the left of the title bar, not in its middle.
    title_x = 6 if held_out else (width - text_width(draw, title, bold)) // 2
    draw.text((title_x, 3), title, font=bold, fill=t.text)
    qa = [QA("What is the title of the dialog?", title, "reading"),
          QA("Is the theme light or dark?", t.name, "ui_state")]
    details = []
    y = 24
    if rng.random() < 0.5:
        tabs = rng.sample(TABS, rng.randint(2, 3))
        selected = rng.choice(tabs)
        x = 6
        for tab in tabs:
            w = text_width(draw, tab, regular)
            if tab == selected:
                draw.rectangle([x - 3, y - 2, x + w + 3, y + 14], fill=t.panel)
                draw.line([x - 3, y + 15, x + w + 3, y + 15], fill=t.accent, width=2)
            draw.text((x, y), tab, font=regular, fill=t.accent if tab == selected else t.text)
            x += w + 12
        qa.append(QA("Which tab is selected?", selected, "ui_state"))
        details.append(f"the {selected} tab is selected")
        y += 22
    options = rng.sample(OPTIONS, rng.randint(1, 3))
    toggles = rng.random() < 0.4  # switches instead of checkboxes
    rows_left = (height - 30 - y) // 20
    options = options[: max(1, rows_left)]
    for label in options:
        on = rng.random() < 0.5
        if toggles:
            fill = t.accent if on else t.muted
            draw.rounded_rectangle([8, y + 1, 30, y + 13], radius=6, fill=fill)
            knob = 19 if on else 9
            draw.ellipse([knob, y + 2, knob + 10, y + 12], fill=(255, 255, 255))
            draw.text((38, y), label, font=regular, fill=t.text)
            qa.append(QA(f"Is {label} on?", yes_no(on), "ui_state"))
            details.append(f"{label} is {'on' if on else 'off'}")
        else:
            draw.rectangle([8, y + 1, 20, y + 13], outline=t.border, fill=t.accent if on else t.panel, width=1)
            if on:
                draw.line([10, y + 7, 13, y + 11, 18, y + 3], fill=(255, 255, 255), width=2)
            draw.text((27, y), label, font=regular, fill=t.text)
            qa.append(QA(f"Is the {label} checkbox checked?", yes_no(on), "ui_state"))
            details.append(f"{label} is {'checked' if on else 'not checked'}")
        y += 20
    labels = rng.sample(BUTTONS, rng.randint(1, 3))
    enabled = {label: rng.random() < 0.6 for label in labels}
    widths = [text_width(draw, label, regular) + 16 for label in labels]
    # Training layout: buttons right-aligned in the bottom row; held-out: left-aligned.
    x = 8 if held_out else width - 8 - sum(widths) - 6 * (len(labels) - 1)
    for label, w in zip(labels, widths):
        top = height - 26
        colour = t.text if enabled[label] else t.muted
        draw.rounded_rectangle([x, top, x + w, top + 19], radius=3, outline=colour, fill=t.panel)
        draw.text((x + 8, top + 3), label, font=regular, fill=colour)
        x += w + 6
    button = rng.choice(labels)
    qa.append(QA(f"Is the {button} button enabled?", yes_no(enabled[button]), "ui_state"))
    qa.append(QA("How many buttons are there?", str(len(labels)), "structure"))
    caption = f"A {t.name} dialog titled {title} with {len(labels)} button{'s' if len(labels) > 1 else ''}."
    buttons = describe_list([label if enabled[label] else f"{label} (disabled)" for label in labels])
    description = f"A {t.name} dialog titled {title}: {describe_list(details)}. Buttons: {buttons}."
    question = rng.choice(["Describe this screenshot.", "Describe this dialog.", "Write alt text for this image."])
    qa.append(QA(question, description, "description", (title, *labels)))
    return image, caption, qa


ARGS = ["path", "data", "items", "node", "text", "size", "key", "url"]
LANGUAGES = {"py": "python", "js": "javascript", "go": "go"}


def code_lines(rng: random.Random, language: str, name: str) -> list[str]:
    arg = rng.choice(ARGS)
    var = rng.choice(ARGS)
    value = rng.randint(0, 99)
    if language == "python":
        body = [f"def {name}({arg}):", f"    {var} = {value}", f"    return {arg}"]
        head = [f"import {rng.choice(['os', 'sys', 're', 'json'])}", ""]
    elif language == "javascript":
        body = [f"function {name}({arg}) {{", f"  const {var} = {value};", f"  return {arg};", "}"]
        head = [f"import {rng.choice(['fs', 'path', 'os'])} from 'node:fs';", ""]
    else:
        body = [f"func {name}({arg} int) int {{", f"\t{var} := {value}", f"\treturn {arg}", "}"]
        head = ["package main", ""]
    return (head if rng.random() < 0.6 else []) + body


def line_question(lines: list[str], rng: random.Random) -> QA:
    """"What is on line N?" about a row with code: the OCR reads the gutter's number with the row."""
    number = rng.choice([n for n, line in enumerate(lines, start=1) if line.strip()])
    return QA(f"What is on line {number}?", " ".join(lines[number - 1].split()), "reading")


def code_editor(rng: random.Random, held_out: bool):
    t = theme(rng)
    extension = rng.choice(list(LANGUAGES))
    name = names.function_name(rng, LANGUAGES[extension])
    lines = code_lines(rng, LANGUAGES[extension], name)
    file_name = names.file_name(rng, extension)
    mono = font(rng.choice(MONO), rng.randint(10, 11))
    line_height = mono.size + 4
    image, draw = canvas(rng, 150, 320, t.background, min_height=30 + line_height * len(lines))
    width, height = image.size
    # Held-out layout: the file tab sits in a bar at the bottom of the window.
    tab_y = height - 18 if held_out else 0
    draw.rectangle([0, tab_y, width, tab_y + 17], fill=t.panel)
    draw.text((6, tab_y + 3), file_name, font=font(SANS[0], 10), fill=t.text)
    top = 6 if held_out else 24
    for number, line in enumerate(lines, start=1):
        y = top + (number - 1) * line_height
        draw.text((4, y), f"{number:>2}", font=mono, fill=t.muted, record=False)  # not text (data/workbench.py)
        draw.text((26, y), line.replace("\t", "  "), font=mono, fill=t.text, line_number=number)
    qa = [QA("What is the file name?", file_name, "reading"),
          QA("What is the name of the function?", name, "reading"),
          QA("How many lines are there?", str(len(lines)), "count"),
          QA("Which language is this?", LANGUAGES[extension], "reading"),
          QA(rng.choice(["What does this code do?", "Describe this screenshot."]),
             f"A {t.name} code editor showing {file_name}: a {LANGUAGES[extension]} function {name} in {len(lines)} lines.",
             "description", (file_name, name)),
          line_question(lines, rng)]
    return image, f"A {t.name} code editor showing {file_name}.", qa


COMMANDS = ["npm test", "git status", "make build", "ls src", "cargo run", "pytest -q", "go vet", "node app.js",
            "git pull", "npm install", "make clean", "python main.py"]
OUTPUTS = ["ok", "done in 2s", "3 files", "up to date", "built target", "no changes", "passed", "listening"]
ERRORS = ["error: not found", "error: exit 1", "error: failed", "error: timeout"]


def terminal(rng: random.Random, held_out: bool):
    light = rng.random() < 0.3
    background, text, red, green = ((250, 250, 250), (30, 30, 30), (200, 20, 20), (20, 130, 40)) if light else \
        ((18, 18, 22), (225, 225, 225), (255, 85, 85), (90, 220, 110))
    mono = font(rng.choice(MONO), rng.randint(10, 11))
    line_height = mono.size + 4
    commands = [names.command(rng, COMMANDS) for _ in range(rng.randint(1, 2))]
    if len(commands) == 2 and commands[0] == commands[1]:
        commands.pop()
    failed = rng.random() < 0.5
    prompt = "> " if held_out else "$ "  # held-out layout: another shell prompt
    lines = []
    for index, command in enumerate(commands):
        lines.append((prompt + command, text))
        last = index == len(commands) - 1
        if last and failed:
            lines.append((rng.choice(ERRORS), red))
        else:
            lines.append((rng.choice(OUTPUTS), green if last else text))
    lines.append((prompt, text))
    image, draw = canvas(rng, 150, 300, background, min_height=8 + line_height * len(lines))
    for index, (line, colour) in enumerate(lines):
        draw.text((5, 4 + index * line_height), line, font=mono, fill=colour)
    qa = [QA("What command was run last?", commands[-1], "reading"),
          QA("Did the command fail?", yes_no(failed), "ui_state"),
          QA("How many commands were run?", str(len(commands)), "count")]
    ran = describe_list(commands)
    if failed:
        description = (f"A terminal that ran {ran}. The last command failed with {lines[-2][0]}: check the command "
                       f"and its arguments, then run {commands[-1]} again.")
        question = rng.choice(["What does this error say and what should I do?", "Describe this screenshot."])
    else:
        description = f"A terminal that ran {ran}. The last command succeeded and printed {lines[-2][0]}."
        question = "Describe this screenshot."
    qa.append(QA(question, description, "description", tuple(commands)))
    return image, f"A terminal that ran {commands[-1]}.", qa
