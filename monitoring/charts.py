"""Charts of the dashboards: SVG drawn on the server with pygal.

No JavaScript and no CDN: the markup is inline SVG that prints and scales like text. pygal's
interactive parts (its config script, tooltips, hover styles) are stripped, and every chart is
one ``role="img"`` with a translated accessible name; the page gives its numbers in a data table
next to it (the accessible alternative).

Rendering takes a few milliseconds per chart, so the markup is cached, keyed on the data, the
title and the language: a dashboard read many times a day draws each chart once per recompute.
"""

from __future__ import annotations

import hashlib
import json
import math
import xml.etree.ElementTree as ElementTree  # nosec B405 # edits pygal's tree, parses nothing
from collections.abc import Callable, Sequence

import pygal
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.etree import etree as pygal_etree
from pygal.style import Style

# pygal draws with lxml when it is installed (the IATI exports need it); the xml filters below edit
# the standard library's ElementTree, so pygal is told to use that one.
pygal_etree.to_etree()
# Rendered charts are kept a day; a new recompute changes the data and so the key.
CACHE_SECONDS = 24 * 60 * 60
CACHE_PREFIX = "monitoring:chart:v1:"

WIDTH = 720
LINE_HEIGHT = 320
SPARK_WIDTH = 240
SPARK_HEIGHT = 48
BAR_HEIGHT = 26  # per bar of a breakdown chart
# x labels shown on a time series at most (pygal keeps evenly spaced ones).
MAX_X_LABELS = 8

# The portal's colours (static/css/portal.css): dark on white, readable in black and white print.
INK = "#1b1f23"
MUTED = "#4a5560"
LINE = "#c9d2d9"
SERIES = "#14664c"
FONT = "inherit"  # the page's font: inline SVG inherits it
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground=INK,
    foreground_strong=INK,
    foreground_subtle=MUTED,
    colors=(SERIES,),
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    title_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    legend_font_family=FONT,
    no_data_font_family=FONT,
    tooltip_font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    no_data_font_size=16,
)

# What pygal's style.css and graph.css do for a static chart, in a tenth of their size (they are
# repeated in every chart). ``ID`` becomes the chart's id, which scopes the rules to it; the
# colours are INK, MUTED, LINE and SERIES above.
CSS = """
ID .background { fill: #ffffff; }
ID text { fill: #1b1f23; stroke: none; }
ID .axis .line { stroke: #1b1f23; }
ID .axis .guide.line { stroke: #c9d2d9; stroke-dasharray: 2,3; }
ID .guide.line, ID .nofill { fill: none; }
ID .axis.x text, ID .centered, ID .title, ID text.no_data { text-anchor: middle; }
ID .axis.x text[transform] { text-anchor: start; }
ID .axis.x text[transform].backwards { text-anchor: end; }
ID .axis.y text { text-anchor: end; }
ID .horizontal .axis.y .guide.line, ID .vertical .axis.x .guide.line { opacity: 0; }
ID .axis.always_show .guide.line { opacity: 1; }
ID .color-0 { stroke: #14664c; fill: #14664c; }
ID .line { stroke-width: 2; }
ID .dot { stroke-width: 1px; }
ID .text-overlay text.value { fill: #1b1f23; font-size: 12px; }
ID .horizontal .text-overlay text.value { text-anchor: start; transform: translateX(4px); }
ID text.no_data { fill: #4a5560; }
ID .showable { visibility: hidden; }
"""

_COMMON = {
    "style": STYLE,
    "js": [],  # no pygal.js (tooltips) from its CDN
    "disable_xml_declaration": True,  # inline in HTML
    "explicit_size": True,  # width, height and viewBox
    "show_legend": False,
    "pretty_print": False,
}

Formatter = Callable[[float], str]


def sparkline_svg(values: Sequence[float | None], *, label: str = "") -> SafeString:
    """A small trend line of ``values`` (oldest first) for an overview card."""
    label = label or _("Trend of the indicator")
    numbers = [None if v is None else float(v) for v in values]

    def draw() -> pygal.Graph:
        chart = pygal.Line(
            **_COMMON,
            width=SPARK_WIDTH,
            height=SPARK_HEIGHT,
            show_dots=False,
            show_x_labels=False,
            show_y_labels=False,
            show_y_guides=False,
            spacing=0,
            margin=3,
            min_scale=1,
            max_scale=2,
            no_data_text="",
            classes=["pygal-chart", "sparkline"],
        )
        chart.add("", numbers)
        return chart

    return _cached("spark", [numbers, label], draw, label, bare=True)


def line_chart_svg(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit_label: str,
    formatter: Formatter | None = None,
    integers: bool = False,
) -> SafeString:
    """A time series: ``points`` are ``(date label, value)``, oldest first. ``integers``: the
    values are counts, so the axis has whole-number steps."""
    labels = [str(label) for label, _value in points]
    numbers = [None if value is None else float(value) for _label, value in points]

    def draw() -> pygal.Graph:
        chart = pygal.Line(
            **_COMMON,
            width=WIDTH,
            height=LINE_HEIGHT,
            x_labels=labels,
            x_labels_major_count=MAX_X_LABELS,
            show_minor_x_labels=len(labels) <= MAX_X_LABELS,
            x_label_rotation=30 if len(labels) > 4 else 0,
            y_title=str(unit_label),
            show_dots=len(labels) <= 40,
            dots_size=3,
            include_x_axis=True,
            no_data_text=_("No value in this period"),
            classes=["pygal-chart", "line-chart"],
            **_value_axis(numbers, formatter, integers, most=6),
        )
        chart.add(str(title), numbers)
        return chart

    return _cached("line", [labels, numbers, str(title), str(unit_label), integers], draw, title)


def bar_chart_svg(
    pairs: Sequence[tuple[str, float | None]],
    *,
    title: str,
    formatter: Formatter | None = None,
    integers: bool = False,
) -> SafeString:
    """A breakdown as horizontal bars, one per ``(label, value)``, in the order given."""
    labels = [str(label) for label, _value in pairs]
    numbers = [None if value is None else float(value) for _label, value in pairs]

    def draw() -> pygal.Graph:
        chart = pygal.HorizontalBar(
            **_COMMON,
            width=WIDTH,
            height=90 + BAR_HEIGHT * max(len(labels), 1),
            x_labels=labels,
            truncate_label=28,
            margin_right=64,  # room for the value printed after the longest bar
            print_values=True,
            print_values_position="top",
            include_x_axis=True,
            no_data_text=_("No value to show"),
            classes=["pygal-chart", "bar-chart"],
            **_value_axis(numbers, formatter, integers, most=4),
        )
        # pygal draws the first label at the bottom: reverse, so that the chart reads top-down
        # in the same order as its table.
        chart.x_labels = list(reversed(labels))
        chart.add(str(title), list(reversed(numbers)))
        return chart

    return _cached("bar", [labels, numbers, str(title), integers], draw, title)


def _value_axis(
    numbers: Sequence[float | None], formatter: Formatter | None, integers: bool, most: int
) -> dict:
    """pygal options of the value axis: the formatter, and about ``most`` round ticks (pygal
    would label 0.2, 0.4... under a count of 3, and crowd a narrow axis)."""
    options: dict = {"value_formatter": formatter} if formatter else {}
    options["y_labels"] = nice_ticks(numbers, most=most, integers=integers)
    return options


def nice_ticks(
    numbers: Sequence[float | None], *, most: int = 6, integers: bool = False
) -> list[float]:
    """Ticks from 0 (or the lowest value) to at least the highest, in steps of 1, 2 or 5 times
    a power of ten, about ``most`` of them; whole steps for ``integers``."""
    present = [n for n in numbers if n is not None]
    low = min([0.0, *present])
    high = max([0.0, *present])
    if high <= low:
        high = low + 1
    raw = (high - low) / most
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if integers:
        step = max(1, round(step))
    first = math.floor(low / step)
    last = math.ceil(high / step)
    ticks = [round(n * step, 10) for n in range(first, last + 1)]
    return [int(t) for t in ticks] if integers else ticks


# --- Rendering and cache ------------------------------------------------------------------
def _cached(
    kind: str,
    data: list,
    draw: Callable[[], pygal.Graph],
    accessible_name: str,
    *,
    bare: bool = False,
) -> SafeString:
    """The chart's markup from the cache, or drawn and cached. ``data`` identifies it.

    ``bare`` charts (sparklines, dozens on a page) keep only their line, styled by attributes.
    """
    digest = hashlib.sha256(
        json.dumps([kind, get_language(), data], default=str, ensure_ascii=False).encode()
    ).hexdigest()
    key = CACHE_PREFIX + digest
    markup = cache.get(key)
    if markup is None:
        chart = draw()
        # A stable id (pygal's is random): identical charts give identical, cacheable markup.
        chart.uuid = f"{kind}-{digest[:16]}"
        chart.config.css = ["inline:" + " ".join(CSS.replace("ID", f"#chart-{chart.uuid}").split())]
        chart.add_xml_filter(_accessible(str(accessible_name)))
        if bare:
            chart.add_xml_filter(_bare)
        markup = chart.render(is_unicode=True)
        cache.set(key, markup, CACHE_SECONDS)
    return mark_safe(markup)  # nosec B308 B703 # drawn by pygal from numbers and escaped labels


def _accessible(name: str) -> Callable[[ElementTree.Element], ElementTree.Element]:
    """An xml filter: one image with an accessible name, none of pygal's interactive parts."""

    def apply(root: ElementTree.Element) -> ElementTree.Element:
        root.set("role", "img")
        root.set("aria-label", name)
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag is ElementTree.Comment or _interactive(child):
                    parent.remove(child)
        for title in root.findall("title"):
            title.text = name
        return root

    return apply


def _interactive(element: ElementTree.Element) -> bool:
    """pygal's script, tooltip layer and per-point descriptions: only its JavaScript reads them."""
    if element.tag in ("script", "desc"):
        return True
    return "tooltip-overlay" in (element.get("class") or "").split()


def _bare(root: ElementTree.Element) -> ElementTree.Element:
    """Only the lines, with their style as attributes: a sparkline in a few hundred bytes."""
    for parent in list(root.iter()):
        for child in list(parent):
            classes = (child.get("class") or "").split()
            if child.tag == "defs" or "background" in classes:
                parent.remove(child)
            elif child.tag == "path" and "line" in classes:
                child.attrib.pop("class")
                child.set("fill", "none")
                child.set("stroke", SERIES)
                child.set("stroke-width", "2")
                child.set("stroke-linejoin", "round")
    # Groups left empty (overlays, titles) go too, innermost first.
    for parent in reversed(list(root.iter())):
        for child in list(parent):
            if child.tag == "g" and len(child) == 0:
                parent.remove(child)
    return root
