"""The one short ``repr`` of the kit's result objects: their fields, each summed up in a few
words (a DataFrame by its shape, a long list by its length), so that an analyst who types
``card`` in a notebook sees what it holds instead of pages of nested frames."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

__all__ = ["compact_repr", "short"]

_WIDTH = 60  # a field's text beyond this is cut


def short(value: object) -> str:
    """A few words for one value: ``<DataFrame 61 rows × 41 columns>``, ``<list of 12>``, a
    dict of tables by their rows, a result object by its class name (a period as
    ``2026-10``), anything else by its own repr cut to a line's width."""
    if isinstance(value, pd.DataFrame):
        return f"<DataFrame {len(value):,} rows × {value.shape[1]} columns>"
    if isinstance(value, pd.Series):
        return f"<Series of {len(value):,}>"
    if isinstance(value, np.ndarray):
        return f"<array {'×'.join(str(n) for n in value.shape)}>"
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value):,} bytes>"
    if hasattr(value, "model_dump"):  # a parameter model
        return f"<{type(value).__name__}>"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        own_str = type(value).__str__ is not object.__str__  # (a period prints as 2026-10)
        return str(value) if own_str else f"<{type(value).__name__}>"
    if isinstance(value, dict) and value and all(isinstance(v, pd.DataFrame) for v in value.values()):
        return "{" + ", ".join(f"{k!r}: {len(v):,} rows" for k, v in value.items()) + "}"
    if isinstance(value, dict):
        text = "{" + ", ".join(f"{k!r}: {short(v)}" for k, v in value.items()) + "}"
        if len(text) <= 2 * _WIDTH:
            return text
        keys = ", ".join(repr(k) for k in value)
        keys = keys if len(keys) <= _WIDTH else keys[:_WIDTH - 3] + "..."
        return f"<dict of {len(value)}: {keys}>"
    text = repr(value)
    if isinstance(value, (list, tuple, set)) and (len(value) > 4 or len(text) > _WIDTH):
        return f"<{type(value).__name__} of {len(value)}>"
    return text if len(text) <= _WIDTH else text[:_WIDTH - 3] + "..."


def compact_repr(self) -> str:
    """``Class(field=<few words>, ...)`` over the dataclass fields shown in a repr."""
    parts = [f"{f.name}={short(getattr(self, f.name))}" for f in dataclasses.fields(self) if f.repr]
    return f"{type(self).__name__}({', '.join(parts)})"
