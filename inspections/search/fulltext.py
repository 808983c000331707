"""Full-text search with stemming on both databases, so that "armoury" finds "armouries" and
"audit" finds "audited": PostgreSQL's own text search with the English configuration (GIN
indexes on each searched column), and SQLite's FTS5 with the Porter stemmer (external-content
tables kept in step by triggers). Either way the database keeps the index in step with every
write, whoever makes it; ``manage.py rebuild_search_index`` rebuilds it from the rows.

Words match within one column (all of them in a narrative, say), the same on both engines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Model
from django.db.models.expressions import RawSQL


@dataclass(frozen=True)
class Searched:
    """One table's searched columns."""

    table: str
    columns: tuple[str, ...]

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    def gin_index(self, column: str) -> str:
        return f"{self.table.removeprefix('inspections_')}_{column}_fts"[:63]


SEARCHED = (
    Searched("inspections_recommendation", ("text", "short_title")),
    Searched("inspections_progressupdate", ("narrative", "evidence_note", "internal_note")),
    Searched("inspections_lettersection", ("narrative",)),
)


def searched(model: type[Model]) -> Searched:
    return next(s for s in SEARCHED if s.table == model._meta.db_table)


def words_of(text: str) -> list[str]:
    """The words of a search, as the index splits them (letters and digits)."""
    return re.findall(r"\w+", text.lower())[:20]


def matching(model: type[Model], columns: tuple[str, ...], text: str) -> RawSQL:
    """A condition for ``filter()``: every word of ``text``, stemmed, in one of ``columns``."""
    spec = searched(model)
    words = words_of(text)
    if not words:
        return RawSQL("1 = 0", [], output_field=BooleanField())
    table = connection.ops.quote_name(spec.table)
    if connection.vendor == "postgresql":
        parts = [
            f"to_tsvector('english', {table}.{connection.ops.quote_name(column)}) "
            "@@ plainto_tsquery('english', %s)"
            for column in columns
        ]
        return RawSQL(
            "(" + " OR ".join(parts) + ")", [" ".join(words)] * len(columns), BooleanField()
        )
    phrase = " AND ".join(f'"{word}"' for word in words)
    query = " OR ".join(f"({{{column}}} : ({phrase}))" for column in columns)
    return RawSQL(
        f"{table}.id IN (SELECT rowid FROM {spec.fts} WHERE {spec.fts} MATCH %s)",
        [query],
        BooleanField(),
    )


# --- the index, made by a migration and rebuilt by a command ----------------------------------


def create(schema: BaseDatabaseWrapper) -> None:
    with schema.cursor() as cursor:
        for statement in create_statements(schema.vendor):
            cursor.execute(statement)


def drop(schema: BaseDatabaseWrapper) -> None:
    with schema.cursor() as cursor:
        for spec in SEARCHED:
            if schema.vendor == "postgresql":
                for column in spec.columns:
                    cursor.execute(f"DROP INDEX IF EXISTS {spec.gin_index(column)}")
            elif schema.vendor == "sqlite":
                for event in ("ai", "ad", "au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {spec.fts}_{event}")
                cursor.execute(f"DROP TABLE IF EXISTS {spec.fts}")


def repair(schema: BaseDatabaseWrapper) -> list[str]:
    """Make again whatever part of the index is missing, and build that part from the rows;
    the tables whose index was repaired. Run after every migrate (apps.py): on SQLite a
    migration that alters a searched table copies it into a new one, which drops the triggers
    that kept its index in step (0034 did so to the recommendations, and from then on new and
    changed recommendations went unindexed)."""
    repaired = []
    with schema.cursor() as cursor:
        names = set(schema.introspection.table_names(cursor))
        if schema.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
            names |= {name for (name,) in cursor.fetchall()}
        elif schema.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names |= {name for (name,) in cursor.fetchall()}
        for spec in SEARCHED:
            if spec.table not in names or all(part in names for part in parts(spec, schema.vendor)):
                continue
            for statement in create_statements(schema.vendor, [spec]):
                cursor.execute(statement)
            repaired.append(spec.table)
    return repaired


def parts(spec: Searched, vendor: str) -> list[str]:
    """The names of what keeps one table's index: its GIN indexes, or its FTS5 table and the
    three triggers that keep it in step."""
    if vendor == "postgresql":
        return [spec.gin_index(column) for column in spec.columns]
    if vendor == "sqlite":
        return [spec.fts, *(f"{spec.fts}_{event}" for event in ("ai", "ad", "au"))]
    return []


def create_statements(vendor: str, specs: Sequence[Searched] = SEARCHED) -> list[str]:
    statements = []
    for spec in specs:
        if vendor == "postgresql":
            statements += [
                f"CREATE INDEX IF NOT EXISTS {spec.gin_index(column)} ON {spec.table} "
                f"USING GIN (to_tsvector('english', {column}))"
                for column in spec.columns
            ]
        elif vendor == "sqlite":
            columns = ", ".join(spec.columns)
            new = ", ".join(f"new.{c}" for c in spec.columns)
            old = ", ".join(f"old.{c}" for c in spec.columns)
            remove = (
                f"INSERT INTO {spec.fts}({spec.fts}, rowid, {columns}) "
                f"VALUES ('delete', old.id, {old});"
            )
            add = f"INSERT INTO {spec.fts}(rowid, {columns}) VALUES (new.id, {new});"
            statements += [
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {spec.fts} USING fts5({columns}, "
                f"content='{spec.table}', content_rowid='id', tokenize='porter unicode61')",
                f"CREATE TRIGGER IF NOT EXISTS {spec.fts}_ai AFTER INSERT ON {spec.table} "
                f"BEGIN {add} END",
                f"CREATE TRIGGER IF NOT EXISTS {spec.fts}_ad AFTER DELETE ON {spec.table} "
                f"BEGIN {remove} END",
                f"CREATE TRIGGER IF NOT EXISTS {spec.fts}_au AFTER UPDATE ON {spec.table} "
                f"BEGIN {remove} {add} END",
                f"INSERT INTO {spec.fts}({spec.fts}) VALUES ('rebuild')",
            ]
    return statements


def rebuild() -> None:
    """Build the index again from the rows (after a restore, or if in doubt)."""
    with connection.cursor() as cursor:
        for spec in SEARCHED:
            if connection.vendor == "postgresql":
                for column in spec.columns:
                    cursor.execute(f"REINDEX INDEX {spec.gin_index(column)}")
            elif connection.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {spec.fts}({spec.fts}) VALUES ('rebuild')")
