"""A table is built once and then rendered twice: as HTML on the page and as CSV or XLSX. So an
export always holds the rows on screen (every page of them). A table of implementations streams
its export straight from its query instead (``export`` is set; see reports/downloads.py), with
the screen's compound cells split into columns a spreadsheet can sort and filter."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from inspections.exports import Field, Kind, Sheet


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass(slots=True)  # not frozen: a page makes a thousand, and frozen ones are slow to make
class Cell:
    """One value. ``url`` makes it a link; ``status`` (a Status code) shows it as a status tag."""

    value: Any
    url: str = ""
    status: str = ""
    # The link leads to a task page that should bring the user back here afterwards.
    returns_here: bool = False
    # Free text: shortened on screen with the rest a click away; whole in exports.
    long_text: bool = False
    # A short remark shown under the value (the matrix's "Overdue"), kept beside it in exports.
    flag: str = ""
    # What a screen reader hears before a value whose row and column do not say it (a cell of
    # the matrix: "Gwent Police, AFI 7").
    described: str = ""

    @property
    def is_date(self) -> bool:
        return isinstance(self.value, datetime.date)

    @property
    def export_value(self) -> Any:
        if self.flag:
            return f"{self.value} ({self.flag.lower()})"
        return self.value


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    empty_message: str = "Nothing to show."
    # Set when the table shows one page of a longer list (exports always hold every row).
    page: Any = None
    # The worksheet's name (at most 31 characters); the caption when empty.
    sheet_name: str = ""
    # Rows below the body: totals, on screen and in exports.
    foot: list[list[Cell]] = field(default_factory=list)
    # An export that streams from the query rather than from ``rows``.
    export: Sheet | None = None

    @property
    def total(self) -> int:
        return self.page.paginator.count if self.page is not None else len(self.rows)

    @property
    def page_links(self) -> list[int | str]:
        """The page numbers a pager shows: the first, the last and two either side of this
        one, with an ellipsis for each gap (never one link per page: there may be thousands)."""
        if self.page is None:
            return []
        return list(
            self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        )

    @property
    def page_parameter(self) -> str:
        return f"{self.key}-page"

    @property
    def body(self) -> list[list[tuple[Cell, Column]]]:
        """Rows with each cell paired with its column, for the template."""
        return [list(zip(row, self.columns, strict=True)) for row in self.rows]

    def _cells(self, cells: tuple[Cell | Any, ...]) -> list[Cell]:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.key}: {len(cells)} cells for {len(self.columns)} columns")
        return [c if isinstance(c, Cell) else Cell(c) for c in cells]

    def add(self, *cells: Cell | Any) -> None:
        self.rows.append(self._cells(cells))

    def add_foot(self, *cells: Cell | Any) -> None:
        self.foot.append(self._cells(cells))

    @property
    def foot_body(self) -> list[list[tuple[Cell, Column]]]:
        return [list(zip(row, self.columns, strict=True)) for row in self.foot]

    def as_sheet(self) -> Sheet:
        """The export: the streamed one, or the rows on screen with each column's kind taken
        from its values."""
        if self.export is not None:
            return self.export
        everything = self.rows + self.foot
        fields = []
        for index, column in enumerate(self.columns):
            cells = [row[index] for row in everything if row[index].value not in (None, "")]
            kind: Kind = "text"
            if column.numeric:
                kind = "number"
            elif cells and all(cell.is_date for cell in cells):
                kind = "date"
            elif any(cell.long_text for cell in cells):
                kind = "long"
            fields.append(Field(column.label, kind))
        return Sheet(
            self.sheet_name or self.caption,
            fields,
            [[cell.export_value for cell in row] for row in everything],
        )
