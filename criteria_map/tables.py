"""The tables a council gives beside the evidence (assignments, waivers), read with pandas as text cells."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def read_text_table(path: Path, *, headed: bool = True) -> pd.DataFrame:
    """A .csv (its delimiter sniffed, UTF-8 with or without a byte-order mark) or Excel table, every cell as
    text: its first row the column names, or with `headed=False` every row as data (the caller finds the
    header under a title). Raises whatever pandas raises for an unreadable table."""
    import pandas as pd  # here, not at the top: half a second that a run without such a table never needs

    header = 0 if headed else None
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path, dtype=str, sep=None, engine="python", encoding="utf-8-sig", header=header)
    return pd.read_excel(path, dtype=str, header=header)
