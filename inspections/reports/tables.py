"""A table is built once and then rendered twice: as HTML on the page and as CSV or XLSX. So an
export always holds exactly the rows and columns on screen."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Cell:
    """One value. ``url`` makes it a link; ``status`` (a Status code) shows it as a status tag."""

    value: Any
    url: str = ""
    status: str = ""
    # The link leads to a task page that should bring the user back here afterwards.
    returns_here: bool = False
    # Free text: shortened on screen with the rest a click away; whole in exports.
    long_text: bool = False

    @property
    def is_date(self) -> bool:
        return isinstance(self.value, datetime.date)

    @property
    def export_value(self) -> Any:
        return "" if self.value is None else self.value


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    empty_message: str = "Nothing to show."
    # Set when the table shows one page of a longer list (exports always hold every row).
    page: Any = None

    @property
    def total(self) -> int:
        return self.page.paginator.count if self.page is not None else len(self.rows)

    @property
    def page_parameter(self) -> str:
        return f"{self.key}-page"

    @property
    def body(self) -> list[list[tuple[Cell, bool]]]:
        """Rows with each cell paired with whether its column is numeric, for the template."""
        return [
            [(cell, column.numeric) for cell, column in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]

    def add(self, *cells: Cell | Any) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.key}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append([c if isinstance(c, Cell) else Cell(c) for c in cells])
