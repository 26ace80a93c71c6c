"""The one argument checker, with the one message format."""
from __future__ import annotations

import difflib
from collections.abc import Iterable

from .exceptions import SalesperfError

__all__ = ["check_one_of", "closest", "did_you_mean"]


def closest(value: object, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option ``value`` is probably a misspelling of, or None: the same letters in
    another case first (``EN`` for ``en``), else the closest by difflib (similarity at
    least ``cutoff``)."""
    opts = [str(o) for o in options]
    same = [o for o in opts if o.casefold() == str(value).casefold()]
    if same:
        return same[0]
    matches = difflib.get_close_matches(str(value), opts, n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(value: object, options: Iterable[str], cutoff: float = 0.6) -> str:
    """' Did you mean 'x'?' when a close match exists, else ''."""
    match = closest(value, options, cutoff)
    return f" Did you mean '{match}'?" if match else ""


def check_one_of(name: str, value: object, options: Iterable[object], *,
                 error: type[Exception] = SalesperfError) -> None:
    """Raise when ``value`` is not one of ``options``.

    Message: "The value for `name` must be one of [...], but 'y' was passed."
    """
    opts = list(options)
    if value not in opts:
        shown = ", ".join(repr(o) for o in opts[:30]) + (", ..." if len(opts) > 30 else "")
        raise error(
            f"The value for `{name}` must be one of [{shown}], but {value!r} was passed."
            + did_you_mean(value, [str(o) for o in opts])
        )
