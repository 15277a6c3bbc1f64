"""Plain-text tables for what the scripts print (summaries, reports, explanations)."""

from __future__ import annotations

from collections.abc import Collection, Sequence


def format_table(
    rows: Sequence[Sequence[str]],
    *,
    indent: str = "",
    right_aligned: Collection[int] = (),
    header_rule: bool = False,
) -> list[str]:
    """The rows (the first is the header) as aligned lines: columns two spaces apart, left-aligned except the
    `right_aligned` column indexes, no trailing spaces, optionally a rule of dashes under the header."""
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    lines = [
        indent + "  ".join(
            cell.rjust(width) if index in right_aligned else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths))
        ).rstrip()
        for row in rows
    ]
    if header_rule:
        lines.insert(1, indent + "  ".join("-" * width for width in widths))
    return lines
