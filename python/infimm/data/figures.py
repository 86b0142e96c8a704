"""Figures: box-and-arrow diagrams, bar charts, documents with a table, and the paper's corner-text augmentation."""
from __future__ import annotations

import math
import random
import string

from PIL import ImageDraw

from . import QA, describe_list
from .render import NAMED_COLOURS, SANS, SANS_BOLD, RecordingDraw, canvas, font, text_width

NODES = ["api", "db", "cache", "auth", "web", "queue", "worker", "log", "cdn", "mail", "search", "store"]
EDGES = ["calls", "reads", "sends", "uses", "writes", "feeds"]


def arrow(draw: ImageDraw.ImageDraw, start, end, colour) -> None:
    draw.line([start, end], fill=colour, width=2)
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    left = (end[0] - 7 * math.cos(angle - 0.5), end[1] - 7 * math.sin(angle - 0.5))
    right = (end[0] - 7 * math.cos(angle + 0.5), end[1] - 7 * math.sin(angle + 0.5))
    draw.polygon([end, left, right], fill=colour)


def diagram(rng: random.Random, held_out: bool):
    count = rng.randint(2, 4)
    names = rng.sample(NODES, count)
    label_font = font(rng.choice(SANS), rng.randint(10, 12))
    widths = [int(label_font.getlength(name)) + 12 for name in names]
    # Training layout: boxes in a row, left to right; held-out: a column, top to bottom.
    gap = rng.randint(30, 44)
    if held_out:
        image, draw = canvas(rng, 120, 200, (255, 255, 255), min_height=8 + (20 + gap) * count)
    else:
        along = 8 + sum(widths) + gap * count
        image, draw = canvas(rng, along, along + 40, (255, 255, 255))
    width, height = image.size
    boxes = {}
    x = 8
    for index, (name, w) in enumerate(zip(names, widths)):
        if held_out:
            x, y = (width - w) // 2, 8 + index * (20 + gap)
        else:
            y = (height - 20) // 2 + rng.randint(-10, 10)
        boxes[name] = (x, y, x + w, y + 20)
        draw.rectangle(boxes[name], outline=(40, 40, 40), fill=(225, 235, 250), width=1)
        draw.text((x + 6, y + 3), name, font=label_font, fill=(20, 20, 20))
        x += w + gap
    # A chain between consecutive boxes: every box but the last has exactly one outgoing arrow.
    edge_font = font(SANS[0], 9)
    links = {}
    for a, b in zip(names, names[1:]):
        label = rng.choice(EDGES)
        links[a] = (b, label)
        ax0, ay0, ax1, ay1 = boxes[a]
        bx0, by0, bx1, by1 = boxes[b]
        if held_out:
            start, end = ((ax0 + ax1) // 2, ay1), ((bx0 + bx1) // 2, by0 - 1)
            draw.text((start[0] + 5, (start[1] + end[1]) // 2 - 6), label, font=edge_font, fill=(180, 40, 40))
        else:
            start, end = (ax1, (ay0 + ay1) // 2), (bx0 - 1, (by0 + by1) // 2)
            draw.text(((start[0] + end[0]) // 2 - 12, min(start[1], end[1]) - 14), label, font=edge_font, fill=(180, 40, 40))
        arrow(draw, start, end, (40, 40, 40))
    source = rng.choice(names[:-1])
    target, label = links[source]
    qa = [QA("How many boxes are there?", str(count), "structure"),
          QA(f"What does {source} connect to?", target, "structure"),
          QA(f"What is the label on the arrow from {source}?", label, "reading"),
          QA(rng.choice(["Describe this diagram.", "Write alt text for this image."]),
             f"A diagram of {count} boxes: " + describe_list([f"{a} {links[a][1]} {links[a][0]}" for a in names[:-1]]) + ".",
             "description", tuple(names))]
    return image, f"A diagram of {count} boxes starting at {names[0]}.", qa


CHART_TITLES = ["Sales", "Visits", "Errors", "Revenue", "Signups", "Downloads", "Latency", "Orders"]
CATEGORIES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Q1", "Q2", "Q3", "Q4", "A", "B", "C", "D", "EU", "US", "Asia"]


def bar_chart(rng: random.Random, held_out: bool):
    title = rng.choice(CHART_TITLES)
    count = rng.randint(2, 5)
    labels = rng.sample(CATEGORIES, count)
    values = rng.sample(range(1, 100), count)  # distinct, so the tallest bar is unique
    image, draw = canvas(rng, max(130, 40 + count * 36), 320, (255, 255, 255))
    width, height = image.size
    small, bold = font(rng.choice(SANS), 10), font(rng.choice(SANS_BOLD), 12)
    draw.text(((width - text_width(draw, title, bold)) // 2, 4), title, font=bold, fill=(20, 20, 20))
    base, top = height - 18, 36
    slot = (width - 20) // count
    colour = (60, 120, 200) if not held_out else (230, 120, 40)  # held-out: another palette, gridlines
    if held_out:
        for y in range(base, top, -20):
            draw.line([10, y, width - 10, y], fill=(225, 225, 225))
    draw.line([10, base, width - 10, base], fill=(60, 60, 60))
    for index, (label, value) in enumerate(zip(labels, values)):
        x = 10 + index * slot + slot // 5
        bar_top = base - int((base - top) * value / 100)
        draw.rectangle([x, bar_top, x + slot * 3 // 5, base], fill=colour)
        draw.text((x, bar_top - 13), str(value), font=small, fill=(20, 20, 20))
        draw.text((x, base + 3), label, font=small, fill=(20, 20, 20))
    tallest = labels[values.index(max(values))]
    pick = rng.randrange(count)
    qa = [QA("What is the title of the chart?", title, "reading"),
          QA(f"What is the value of {labels[pick]}?", str(values[pick]), "reading"),
          QA("Which bar is the tallest?", tallest, "structure"),
          QA("How many bars are there?", str(count), "count"),
          QA(rng.choice(["Describe this chart.", "Write alt text for this image."]),
             f"A bar chart titled {title} with {count} bars: " + describe_list([f"{l} {v}" for l, v in zip(labels, values)])
             + f". The tallest is {tallest}.", "description", (title, *labels))]
    return image, f"A bar chart of {title} with {count} bars.", qa


HEADINGS = ["Report", "Invoice", "Summary", "Schedule", "Inventory", "Budget", "Results", "Roster"]
ROW_KEYS = ["Ann", "Bob", "Eve", "Max", "Joe", "Kim", "Lee", "Sam"]
COLUMNS = {"Age": lambda r: str(r.randint(18, 80)), "City": lambda r: r.choice(["Oslo", "Rome", "Lima", "Kyiv", "Pune"]),
           "Score": lambda r: str(r.randint(0, 100)), "Team": lambda r: r.choice(["red", "blue", "gold", "gray"])}
FILLER = "the of and report data value results total page note list item".split()


def document(rng: random.Random, held_out: bool):
    heading = rng.choice(HEADINGS)
    columns = rng.sample(list(COLUMNS), 2)
    keys = rng.sample(ROW_KEYS, rng.randint(2, 4))
    cells = {(k, c): COLUMNS[c](rng) for k in keys for c in columns}
    regular, bold = font(rng.choice(SANS), 10), font(rng.choice(SANS_BOLD), 13)
    image, draw = canvas(rng, 170, 320, (255, 255, 255), min_height=70 + 16 * (len(keys) + 1))
    width, height = image.size
    draw.text((8, 6), heading, font=bold, fill=(15, 15, 15))
    y = 26
    for _ in range(rng.randint(1, 2)):
        draw.text((8, y), " ".join(rng.choice(FILLER) for _ in range(5)), font=regular, fill=(110, 110, 110))
        y += 14
    y += 4
    # Held-out layout: the table is drawn without its grid lines, header shaded instead.
    col_x = [8, 58, 118]
    rows = [["Name"] + columns] + [[k] + [cells[(k, c)] for c in columns] for k in keys]
    for r, row in enumerate(rows):
        if held_out and r == 0:
            draw.rectangle([6, y, 176, y + 15], fill=(225, 230, 240))
        for c, cell in enumerate(row):
            if not held_out:
                draw.rectangle([col_x[c] - 2, y, col_x[c] + 58, y + 15], outline=(150, 150, 150))
            draw.text((col_x[c] + 2, y + 2), cell, font=regular, fill=(20, 20, 20))
        y += 16
    key, column = rng.choice(keys), rng.choice(columns)
    qa = [QA("What is the heading?", heading, "reading"),
          QA(f"What is the {column} of {key}?", cells[(key, column)], "reading"),
          QA("How many rows does the table have?", str(len(keys)), "count"),
          QA("Describe this document.", f"A document titled {heading} with a table of {len(keys)} rows and the columns "
             f"Name, {columns[0]} and {columns[1]}.", "description", (heading,))]
    return image, f"A document titled {heading} with a table.", qa


CORNER_CHARACTERS = string.ascii_lowercase + string.digits


def corner_text(rng: random.Random, held_out: bool):
    """The paper's text-rendering augmentation: two random strings in two colours at the top-left and
    bottom-right corners of another family's image."""
    from . import FAMILIES, GENERATORS

    base = rng.choice([f for f in FAMILIES if f != "corner"])
    image, _, _ = GENERATORS[base](rng, held_out)
    draw = RecordingDraw(image)
    width, height = image.size
    texts = ["".join(rng.choice(CORNER_CHARACTERS) for _ in range(rng.randint(3, 6))) for _ in range(2)]
    colours = rng.sample(list(NAMED_COLOURS), 2)
    bold = font(rng.choice(SANS_BOLD), rng.randint(13, 15))
    for corner, text, colour in zip(("top left", "bottom right"), texts, colours):
        w = text_width(draw, text, bold)
        x, y = (2, 2) if corner == "top left" else (width - w - 6, height - 22)
        # A white label under the text keeps every colour legible on dark screens.
        draw.rectangle([x, y, x + w + 4, y + 19], fill=(255, 255, 255))
        draw.text((x + 2, y + 1), text, font=bold, fill=NAMED_COLOURS[colour])
    qa = []
    for corner, text, colour in zip(("top left", "bottom right"), texts, colours):
        qa += [QA(f"What are the characters at the {corner}?", text, "reading"),
               QA(f"What colour are the characters at the {corner}?", colour, "colour"),
               QA(f"How many characters are at the {corner}?", str(len(text)), "count")]
    return image, f"The text {texts[0]} in {colours[0]} at the top left.", qa
