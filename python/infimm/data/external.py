"""Held-out renderers: bar charts drawn by matplotlib and diagrams laid out and drawn by Graphviz (`dot`), with
the same questions and answers as figures.bar_chart and figures.diagram. Training draws every image with PIL;
scoring on these measures whether the model reads charts and diagrams it has never seen drawn this way (other
fonts, anti-aliasing, layout engines, shapes and styles), not just new seeds of the training layouts.

Both have the generators' signature `(rng, held_out) -> (image, caption, qa)` and record every text they draw
with its pixel box, (text, (left, top, right, bottom)), in `image.info["texts"]` as RecordingDraw does. They
render the same way for either split (`held_out` is accepted for the signature): the renderer is what is held
out. Needs python3-matplotlib and graphviz (both in .ci/run's package list).
"""
from __future__ import annotations

import io
import json
import math
import os
import random
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from PIL import Image

from .figures import CATEGORIES, CHART_TITLES, chart_qa, diagram_qa, diagram_spec
from .render import FONT_DIRS, font

Box = tuple[int, int, int, int]

# Font families both renderers find through fontconfig / matplotlib's font manager (fonts-dejavu-core and
# fonts-liberation), with their files for measuring Graphviz's labels (render.FONT_DIRS keys).
FAMILIES = {"DejaVu Sans": ("dejavu", "DejaVuSans.ttf"), "Liberation Sans": ("liberation", "LiberationSans-Regular.ttf")}


def pixel_box(left: float, top: float, right: float, bottom: float, width: int, height: int) -> Box | None:
    """A float box rounded outwards to whole pixels and clipped to the image; None when nothing of it is inside."""
    box = (max(0, math.floor(left)), max(0, math.floor(top)), min(width, math.ceil(right)), min(height, math.ceil(bottom)))
    return box if box[0] < box[2] and box[1] < box[3] else None


# ---------------------------------------------------------------------------------------------------------------
# matplotlib

# Styles that change the look (backgrounds, grids, spines, fonts, palettes) but keep text legible.
CHART_STYLES = ["default", "classic", "ggplot", "bmh", "seaborn-v0_8-whitegrid", "seaborn-v0_8-darkgrid",
                "seaborn-v0_8-ticks", "Solarize_Light2", "fivethirtyeight", "dark_background", "grayscale"]
SERIES = ["2023", "2024", "this year", "last year", "total", "actual", "target"]
VALUE_AXIS = ["count", "units", "total", "per day", "thousands"]


@lru_cache(maxsize=None)
def _matplotlib():
    """matplotlib on the Agg backend, imported on first use (not every user of infimm.data needs it). No pyplot:
    figures are plain Figure objects with their own Agg canvas, so nothing global collects them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    if os.environ.get("INFIMM_FONTS"):  # render.py's carried fonts, where the system has none (the GPU machine)
        from matplotlib import font_manager

        for face in FAMILIES.values():
            font_manager.fontManager.addfont(FONT_DIRS[face[0]] + face[1])
    return matplotlib, Figure, FigureCanvasAgg, MaxNLocator


def crowded(extents, gap: float = 2) -> bool:
    """Whether any two of these display boxes come closer than `gap` px."""
    return any(a.x0 < b.x1 + gap and b.x0 < a.x1 + gap and a.y0 < b.y1 + gap and b.y0 < a.y1 + gap
               for i, a in enumerate(extents) for b in extents[:i])


def matplotlib_chart(rng: random.Random, held_out: bool):
    """A bar chart drawn by matplotlib: a title, 2–5 bars with distinct values 1–99 printed on them, tick labels,
    sometimes horizontal, sometimes a legend, a grid or an axis label, in one of several matplotlib styles."""
    matplotlib, Figure, FigureCanvasAgg, MaxNLocator = _matplotlib()
    title = rng.choice(CHART_TITLES)
    count = rng.randint(2, 5)
    labels = rng.sample(CATEGORIES, count)
    values = rng.sample(range(1, 100), count)
    horizontal = rng.random() < 0.4
    style = rng.choice(CHART_STYLES)
    family = rng.choice(list(FAMILIES))
    points = rng.choice([9, 10])
    dpi = rng.choice([80, 90, 100])  # text at least 10 px, as figures.bar_chart draws it
    legend = rng.random() < 0.35
    per_bar_colours = rng.random() < 0.3
    grid = rng.random() < 0.5
    value_label = rng.choice(VALUE_AXIS) if rng.random() < 0.3 else ""
    inside = rng.random() < 0.3  # values printed inside the bar ends, in white, where the bar is long enough
    bold_title = rng.random() < 0.5
    title_loc = rng.choice(["center", "center", "left"])
    open_spines = rng.random() < 0.4
    series = rng.choice(SERIES)
    colour_pick = rng.random()
    # Size: the category axis gets room for its labels (about 0.65 em a character) at this font size and dpi.
    em = points * dpi / 72
    longest = max(len(label) for label in labels)
    if horizontal:
        width = rng.randint(max(200, int(120 + 2 * longest * 0.65 * em) + (90 if legend else 0)), 420)
        height = rng.randint(max(200, int(70 + count * 1.9 * em)), 420)
    else:
        width = rng.randint(max(200, int(70 + count * (longest * 0.65 * em + 14))), 420)
        height = rng.randint(200, 420)

    rc = {"font.family": "sans-serif", "font.sans-serif": [family], "font.size": points, "axes.titlesize": points + 3,
          "axes.labelsize": points, "xtick.labelsize": points, "ytick.labelsize": points, "legend.fontsize": points,
          "figure.dpi": dpi, "savefig.dpi": dpi}
    with matplotlib.style.context(style), matplotlib.rc_context(rc):
        figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
        colours = cycle[:count] if per_bar_colours and len(cycle) >= count else [cycle[int(colour_pick * len(cycle))]] * count
        positions = list(range(count))
        limit_scale = 1.45 if legend and not horizontal else 1.2
        ticks = [t for t in MaxNLocator(nbins=rng.choice([4, 5, 6]), integer=True).tick_values(0, max(values) * limit_scale)
                 if t >= 0]
        limit = ticks[-1]
        if horizontal:
            # Top to bottom in the order of `labels`, as one reads a horizontal bar chart.
            positions = positions[::-1]
            bars = ax.barh(positions, values, height=0.6, color=colours)
            ax.set_yticks(positions, labels=labels)
            ax.set_xticks(ticks, labels=[str(int(t)) for t in ticks])
            ax.set_xlim(0, limit)
            ax.set_ylim(-0.6, count - 0.4)
        else:
            bars = ax.bar(positions, values, width=0.6, color=colours)
            ax.set_xticks(positions, labels=labels)
            ax.set_yticks(ticks, labels=[str(int(t)) for t in ticks])
            ax.set_ylim(0, limit)
            ax.set_xlim(-0.6, count - 0.4)
        # The legend names each bar when each has its colour, else the one series.
        for index, (bar, label) in enumerate(zip(bars, labels)):
            bar.set_label(label if per_bar_colours else series if index == 0 else "_nolegend_")
        value_texts = []
        for bar, position, value in zip(bars, positions, values):
            long_enough = value >= 0.3 * limit
            if horizontal:
                xy, offset, align = (value, position), ((-3, 0) if inside and long_enough else (3, 0)), {"va": "center"}
                align["ha"] = "right" if inside and long_enough else "left"
            else:
                xy, offset, align = (position, value), ((0, -3) if inside and long_enough else (0, 2)), {"ha": "center"}
                align["va"] = "top" if inside and long_enough else "bottom"
            colour = "white" if inside and long_enough else matplotlib.rcParams["text.color"]
            value_texts.append(ax.annotate(str(value), xy, xytext=offset, textcoords="offset points", color=colour, **align))
        title_text = ax.set_title(title, loc=title_loc, fontweight="bold" if bold_title else "normal")
        if grid:
            ax.grid(True, axis="x" if horizontal else "y", alpha=0.5)
            ax.set_axisbelow(True)
        else:
            ax.grid(False)
        if value_label:
            (ax.set_xlabel if horizontal else ax.set_ylabel)(value_label)
        if open_spines:
            ax.spines["top"].set_visible(False)
            ax.spines["right"].set_visible(False)
        legend_artist = None
        if legend:
            if horizontal:  # beside the plot, where no bar reaches
                legend_artist = ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), borderaxespad=0)
            else:  # in the headroom above the bars (limit_scale)
                legend_artist = ax.legend(loc="upper right" if rng.random() < 0.5 else "upper left",
                                          ncol=min(count, 3) if per_bar_colours else 1)
        figure.tight_layout(pad=0.6)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, facecolor=figure.get_facecolor())
        renderer = figure.canvas.get_renderer()
        value_axis = ax.xaxis if horizontal else ax.yaxis
        if crowded([label.get_window_extent(renderer) for label in value_axis.get_ticklabels()]):
            # Wide numbers on a short value axis: every other tick, drawn again.
            value_axis.set_ticks(ticks[::2], labels=[str(int(t)) for t in ticks[::2]])
            figure.tight_layout(pad=0.6)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=dpi, facecolor=figure.get_facecolor())
            renderer = figure.canvas.get_renderer()
        texts = [title_text, *ax.xaxis.get_ticklabels(), *ax.yaxis.get_ticklabels(), *value_texts]
        texts += [axis.label for axis in (ax.xaxis, ax.yaxis)]
        if legend_artist is not None:
            texts += legend_artist.get_texts()
        with Image.open(io.BytesIO(buffer.getvalue())) as png:
            image = png.convert("RGB")
        # Display coordinates have their origin at the bottom left; image rows count from the top.
        full_height = figure.bbox.height
        recorded = []
        for text in texts:
            if not text.get_visible() or not text.get_text().strip():
                continue
            extent = text.get_window_extent(renderer)
            box = pixel_box(extent.x0, full_height - extent.y1, extent.x1, full_height - extent.y0, *image.size)
            if box:
                recorded.append((text.get_text(), box))
    image.info = {"texts": recorded}
    caption, qa = chart_qa(rng, title, labels, values)
    return image, caption, qa


# ---------------------------------------------------------------------------------------------------------------
# Graphviz

NODE_FILLS = ["#dbe8fb", "#e3f4e1", "#fdf0d5", "#f6dfe4", "#ece4f7", "#e6e6e6", "#ffffff"]
EDGE_INKS = ["#202020", "#b02828", "#2040a0", "#606060", "#1d7a3a"]
BACKGROUNDS = ["#ffffff", "#ffffff", "#ffffff", "#f7f7f2", "#f2f5f9"]
PAD_INCHES = 0.12
MIN_LABEL_PX = 9  # the smallest edge label, as figures.diagram draws them


def _dot(source: str, dpi: int, layout: bool) -> tuple[dict | None, Image.Image]:
    """One run of dot: the PNG at `dpi` and, with `layout`, the layout as JSON (in points, origin bottom left,
    the same at any dpi)."""
    with tempfile.TemporaryDirectory(prefix="infimm-dot-") as folder:
        outputs = ["-Tpng", f"-o{folder}/g.png"] + (["-Tjson", f"-o{folder}/g.json"] if layout else [])
        subprocess.run(["dot", f"-Gdpi={dpi}", *outputs], input=source.encode(), capture_output=True, check=True,
                       timeout=30)
        with Image.open(f"{folder}/g.png") as png:
            image = png.convert("RGB")
        return (json.loads(Path(folder, "g.json").read_text(encoding="utf8")) if layout else None), image


def graphviz_diagram(rng: random.Random, held_out: bool):
    """A diagram_spec graph (a small tree, sometimes a second parent) laid out and drawn by Graphviz's dot: left to
    right or top to bottom, boxes, rounded boxes or ellipses, filled or not, with dot's fonts, arrowheads and label
    placement."""
    spec = diagram_spec(rng)
    family = rng.choice(list(FAMILIES))
    node_points = rng.randint(10, 14)
    edge_points = node_points - rng.randint(1, 3)
    shape = rng.choice(["box", "rounded", "ellipse"])
    fills = rng.random() < 0.75
    fill = rng.choice(NODE_FILLS)
    edge_ink = rng.choice(EDGE_INKS)
    background = rng.choice(BACKGROUNDS)
    arrowhead = rng.choice(["normal", "vee", "empty", "open"])
    rankdir = rng.choice(["LR", "TB"])
    style = ["rounded"] * (shape == "rounded") + ["filled"] * fills
    graph = [f'pad={PAD_INCHES}', f'bgcolor="{background}"',
             f'nodesep={rng.uniform(0.2, 0.5):.2f}', f'ranksep={rng.uniform(0.2, 0.5):.2f}']
    node = [f'shape={"box" if shape == "rounded" else shape}', f'style="{",".join(style)}"', f'fillcolor="{fill}"',
            f'fontname="{family}"', f'fontsize={node_points}', f'penwidth={rng.choice([1, 1, 1.5])}',
            f'margin="{rng.uniform(0.08, 0.2):.2f},{rng.uniform(0.04, 0.1):.2f}"', 'width=0.3', 'height=0.3']
    edge = [f'fontname="{family}"', f'fontsize={edge_points}', f'fontcolor="{edge_ink}"', f'arrowhead={arrowhead}',
            f'color="{rng.choice(["#303030", "#505050", edge_ink])}"']
    # The image's longest side at most `longest` px, at a dpi drawn at random unless the drawing needs a lower one.
    longest = rng.randint(300, 399)
    dpi = rng.randint(72, 110)

    def source(direction: str) -> str:
        lines = ["digraph G {", f"  graph [rankdir={direction}, {', '.join(graph)}];", f"  node [{', '.join(node)}];",
                 f"  edge [{', '.join(edge)}];"]
        if spec.title:
            lines.append(f'  label="{spec.title}"; labelloc=t; fontname="{family}"; fontsize={node_points + 2};')
        # Declared in the spec's order: dot keeps it within a rank. A sublabel is a second line of the node.
        lines += [f'  "{name}"' + (f' [label="{name}\\n{spec.sublabels[name]}"]' if name in spec.sublabels else "") + ";"
                  for name in spec.names]
        lines += [f'  "{a}" -> "{b}" [label="{label}"];' for a, b, label in spec.edges]
        return "\n".join(lines + ["}"]) + "\n"

    # A long chain laid out left to right may need so low a dpi that its edge labels shrink below MIN_LABEL_PX:
    # then it is laid out top to bottom instead.
    pad = PAD_INCHES * 72
    for direction in (rankdir, "TB" if rankdir == "LR" else "LR"):
        layout, drawn = _dot(source(direction), dpi, layout=True)
        _, _, graph_width, graph_height = (float(v) for v in layout["bb"].split(","))
        fitting = min(dpi, int(longest * 72 / (max(graph_width, graph_height) + 2 * pad)))
        if edge_points * fitting / 72 >= MIN_LABEL_PX:
            break
    if fitting < dpi:
        dpi = fitting
        drawn = _dot(source(direction), dpi, layout=False)[1]
    scale = dpi / 72

    # A canvas at least 150 px a side, the drawing pasted at a random place on it.
    width = min(400, rng.randint(max(150, drawn.width), max(150, drawn.width) + 40))
    height = min(400, rng.randint(max(150, drawn.height), max(150, drawn.height) + 40))
    width, height = max(width, drawn.width), max(height, drawn.height)
    left, top = rng.randint(0, width - drawn.width), rng.randint(0, height - drawn.height)
    image = Image.new("RGB", (width, height), tuple(int(background[i:i + 2], 16) for i in (1, 3, 5)))
    image.paste(drawn, (left, top))

    # Label boxes: dot's text operations give the centre of each label's baseline; the font's own metrics at
    # the rendered size give the ink above and below it and the width (they match dot's cairo output to ~1 px).
    recorded = []
    for item in [layout] + layout.get("objects", []) + layout.get("edges", []):
        size = None
        for op in item.get("_ldraw_", []):
            if op["op"] == "F":
                size = op["size"]
            elif op["op"] == "T" and op["text"].strip():
                face = font(FAMILIES[family], max(1, round(size * scale)))
                l, t, r, b = face.getbbox(op["text"], anchor="ls")
                x = left + (op["pt"][0] + pad) * scale
                y = top + (graph_height - op["pt"][1] + pad) * scale
                x0 = {"l": x, "r": x - (r - l)}.get(op["align"], x - (r - l) / 2)
                box = pixel_box(x0, y + t, x0 + (r - l), y + b, width, height)
                if box:
                    recorded.append((op["text"], box))
    image.info = {"texts": recorded}
    caption, qa = diagram_qa(rng, spec)
    return image, caption, qa
