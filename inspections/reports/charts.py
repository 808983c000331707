"""Horizontal bar charts drawn as SVG on the server: no script, readable without colour (every
bar is labelled with its category and number), and always shown beside a table of the same
numbers."""

from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH = 260
BAR_AREA = 320
ROW_HEIGHT = 30
BAR_HEIGHT = 20


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    css: str
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 5

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 8


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    chart_id: str

    @property
    def height(self) -> int:
        return len(self.bars) * ROW_HEIGHT + 10

    @property
    def width(self) -> int:
        return LABEL_WIDTH + BAR_AREA + 60

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH


def bar_chart(
    chart_id: str, title: str, items: list[tuple[str, int | None, str]]
) -> BarChart | None:
    """``items`` are (label, value, css modifier). Rows without a value are left out."""
    present = [(label, value, css) for label, value, css in items if value is not None]
    if not present:
        return None
    largest = max(value for _, value, _ in present) or 1
    bars = [
        Bar(
            label=label,
            value=value,
            css=css,
            y=5 + index * ROW_HEIGHT,
            width=max(1, round(BAR_AREA * value / largest)) if value else 0,
        )
        for index, (label, value, css) in enumerate(present)
    ]
    description = "; ".join(f"{bar.label}: {bar.value}" for bar in bars)
    return BarChart(title=title, description=description, bars=bars, chart_id=chart_id)
