"""Figures: box-and-arrow diagrams, bar charts, documents with a table, and the paper's corner-text augmentation."""
from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass

from PIL import Image, ImageDraw

from . import QA, describe_list
from . import names as naming  # `names` is a diagram's node list here
from .render import NAMED_COLOURS, SANS, SANS_BOLD, RecordingDraw, canvas, font, text_width

NODES = ["api", "db", "cache", "auth", "web", "queue", "worker", "log", "cdn", "mail", "search", "store",
         "Web app", "API gateway", "Orders", "Payments", "PostgreSQL", "Redis", "Users", "Billing", "Kafka",
         "Auth service", "Mobile app", "Scheduler", "Inventory", "S3 bucket", "Load balancer", "Frontend", "Backend"]
SUBLABELS = ["service", "browser", "database", "cache", "queue", "worker", "storage", "client"]
EDGES = ["calls", "reads", "sends", "uses", "writes", "feeds", "HTTPS", "REST", "SQL", "gRPC", "events", "jobs"]
DIAGRAM_TITLES = ["Order service", "Architecture", "Data flow", "Checkout", "Login flow", "Build pipeline",
                  "Overview", "Deployment", "Sync"]
BOX_FILLS = [(225, 235, 250), (214, 240, 222), (252, 235, 210), (232, 222, 245), (245, 245, 245), (255, 255, 255)]


@dataclass
class DiagramSpec:
    title: str | None
    names: list[str]
    edges: list[tuple[str, str, str]]  # (from, to, label); every node but the first is reached by one or two
    sublabels: dict[str, str]


def diagram_spec(rng: random.Random) -> DiagramSpec:
    """A small directed graph: a tree grown from the first node (each new node hangs off an earlier one), and
    sometimes one more edge into the last node, so that it has two parents."""
    count = rng.randint(2, 5)
    names = rng.sample(NODES, count)
    edges, depth = [], {names[0]: 0}
    for index in range(1, count):
        parent = names[index - 1] if rng.random() < 0.55 else rng.choice(names[:index])
        edges.append((parent, names[index], rng.choice(EDGES)))
        depth[names[index]] = depth[parent] + 1
    # The second parent sits in the first one's layer, so that no arrow crosses a layer of boxes.
    linked = {(a, b) for a, b, _ in edges}
    peers = [n for n in names[:-1] if depth[n] == depth[names[-1]] - 1 and (n, names[-1]) not in linked]
    if peers and rng.random() < 0.4:
        edges.append((rng.choice(peers), names[-1], rng.choice(EDGES)))
    title = naming.title(rng, DIAGRAM_TITLES) if rng.random() < 0.5 else None
    sublabels = {n: rng.choice(SUBLABELS) for n in names if rng.random() < 0.3}
    return DiagramSpec(title, names, edges, sublabels)


def diagram_qa(rng: random.Random, spec: DiagramSpec):
    """The caption and questions of a diagram, whichever renderer drew it."""
    count = len(spec.names)
    children = {a: [b for x, b, _ in spec.edges if x == a] for a in spec.names}
    source = rng.choice([n for n in spec.names if children[n]])
    a, b, label = rng.choice([e for e in spec.edges if e[0] == source])
    qa = [QA("How many boxes are there?", str(count), "structure"),
          QA(f"What does {source} connect to?", describe_list(children[source]), "structure"),
          QA(f"What is the label on the arrow from {a} to {b}?", label, "reading")]
    if spec.title:
        qa.append(QA("What is the title of the diagram?", spec.title, "reading"))
    titled = f" titled {spec.title}" if spec.title else ""
    links = describe_list([f"{x} connects to {y} ({l})" for x, y, l in spec.edges])
    qa.append(QA(rng.choice(["Describe this diagram.", "Write alt text for this image."]),
                 f"A diagram{titled} of {count} boxes: {links}.", "description", tuple(spec.names)))
    return f"A diagram{titled} of {count} boxes starting at {spec.names[0]}.", qa


def chart_qa(rng: random.Random, title: str, labels: list[str], values: list[int]):
    """The caption and questions of a bar chart, whichever renderer drew it."""
    count = len(labels)
    tallest = labels[values.index(max(values))]
    pick = rng.randrange(count)
    qa = [QA("What is the title of the chart?", title, "reading"),
          QA(f"What is the value of {labels[pick]}?", str(values[pick]), "reading"),
          QA("Which bar is the tallest?", tallest, "structure"),
          QA("How many bars are there?", str(count), "count"),
          QA(rng.choice(["Describe this chart.", "Write alt text for this image."]),
             f"A bar chart titled {title} with {count} bars: " + describe_list([f"{l} {v}" for l, v in zip(labels, values)])
             + f". The tallest is {tallest}.", "description", (title, *labels))]
    return f"A bar chart of {title} with {count} bars.", qa


def arrow(draw: ImageDraw.ImageDraw, start, end, colour) -> None:
    draw.line([start, end], fill=colour, width=2)
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    left = (end[0] - 7 * math.cos(angle - 0.5), end[1] - 7 * math.sin(angle - 0.5))
    right = (end[0] - 7 * math.cos(angle + 0.5), end[1] - 7 * math.sin(angle + 0.5))
    draw.polygon([end, left, right], fill=colour)


def diagram(rng: random.Random, held_out: bool):
    """Boxes in layers by depth: left to right (training) or top to bottom (held-out layout), labelled arrows
    from box edge to box edge, an optional title."""
    spec = diagram_spec(rng)
    label_font = font(rng.choice(SANS_BOLD if rng.random() < 0.4 else SANS), rng.randint(10, 12))
    small = font(SANS[0], 9)
    depth = {spec.names[0]: 0}
    for a, b, _ in spec.edges:
        depth.setdefault(b, depth[a] + 1)
    layers: dict[int, list[str]] = {}
    for name in spec.names:
        layers.setdefault(depth[name], []).append(name)
    size = {n: (int(max(label_font.getlength(n), small.getlength(spec.sublabels.get(n, "")))) + 16,
                34 if n in spec.sublabels else 22) for n in spec.names}
    # Along the flow a layer takes its widest box; across it, its boxes side by side.
    along_of, across_of = (0, 1) if not held_out else (1, 0)
    gap, spacing = rng.randint(40, 60), 16
    top = 30 if spec.title else 8
    lengths = [max(size[n][along_of] for n in layer) for layer in layers.values()]
    breadths = [sum(size[n][across_of] + spacing for n in layer) - spacing for layer in layers.values()]
    along, across = 16 + sum(lengths) + gap * (len(layers) - 1), 16 + max(breadths)
    w, h = (along, across + top) if not held_out else (across, along + top)
    image = Image.new("RGB", (max(150, w + rng.randint(0, 40)), max(150, h + rng.randint(0, 40))), (255, 255, 255))
    draw = RecordingDraw(image)
    width, height = image.size
    if spec.title:
        bold = font(rng.choice(SANS_BOLD), 13)
        draw.text(((width - text_width(draw, spec.title, bold)) // 2, 6), spec.title, font=bold, fill=(25, 30, 40))
    boxes, position = {}, 8
    ellipse = rng.random() < 0.2
    for level, (layer, breadth) in enumerate(zip(layers.values(), breadths)):
        room = height - top if not held_out else width
        offset = (room - breadth) // 2 + (top if not held_out else 0)
        for name in layer:
            bw, bh = size[name]
            x, y = (position, offset) if not held_out else (offset, top + position)
            boxes[name] = (x, y, x + bw, y + bh)
            fill = rng.choice(BOX_FILLS)
            if ellipse and name == spec.names[-1]:
                draw.ellipse(boxes[name], outline=(50, 60, 75), fill=fill, width=1)
            else:
                draw.rounded_rectangle(boxes[name], radius=rng.choice([0, 4]), outline=(50, 60, 75), fill=fill, width=1)
            draw.text((x + 8, y + 4), name, font=label_font, fill=(20, 20, 20))
            if name in spec.sublabels:
                draw.text((x + 8, y + 19), spec.sublabels[name], font=small, fill=(90, 95, 105))
            offset += size[name][across_of] + spacing
        position += lengths[level] + gap
    for a, b, label in spec.edges:
        ax0, ay0, ax1, ay1 = boxes[a]
        bx0, by0, bx1, by1 = boxes[b]
        if held_out:
            start, end = ((ax0 + ax1) // 2, ay1), ((bx0 + bx1) // 2, by0 - 1)
        else:
            start, end = (ax1, (ay0 + ay1) // 2), (bx0 - 1, (by0 + by1) // 2)
        arrow(draw, start, end, (50, 60, 75))
        mid = ((start[0] + end[0]) // 2, (start[1] + end[1]) // 2)
        draw.text((mid[0] + 4, mid[1] - 12), label, font=small, fill=(180, 40, 40))
    caption, qa = diagram_qa(rng, spec)
    return image, caption, qa


CHART_TITLES = ["Sales", "Visits", "Errors", "Revenue", "Signups", "Downloads", "Latency", "Orders"]
CATEGORIES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Q1", "Q2", "Q3", "Q4", "A", "B", "C", "D", "EU", "US", "Asia"]


def bar_chart(rng: random.Random, held_out: bool):
    title = naming.title(rng, CHART_TITLES)
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
    caption, qa = chart_qa(rng, title, labels, values)
    return image, caption, qa


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
