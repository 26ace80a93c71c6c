"""The one argument checker, with the one message format."""
from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

from .exceptions import SalesperfError

__all__ = ["check_one_of", "closest", "did_you_mean", "one_slip_apart"]


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


def one_slip_apart(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one typing slip: one letter wrong, missing or extra,
    or two neighbouring letters swapped (``Lsot`` for ``Lost``, ``Complted`` for ``Completed``).

    Only alphabetic letters count, and both must be at least 4 characters long: values that
    differ in one character (``A`` and ``B``, ``Tier 1`` and ``Tier 2``) are different values,
    not slips; so are Chinese ones (``已完成`` and ``未完成``, ``已经签收`` and ``未经签收``).
    In Chinese, whose slips are those of the input method, two values of two or more
    characters that differ in one character of the same sound are one slip apart
    (``已流式`` for ``已流失``, ``已退歀`` for ``已退款``)."""
    a, b = str(a), str(b)
    if a != b and len(a) == len(b) >= 2:
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1 and _wide(a[diff[0]]) and _wide(b[diff[0]]):
            return _same_sound(a[diff[0]], b[diff[0]])
    if a == b or min(len(a), len(b)) < 4:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return _letter(a[diff[0]]) and _letter(b[diff[0]])
        i = diff[0]
        return (len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
                and _letter(a[i]) and _letter(b[i]))
    if abs(len(a) - len(b)) != 1:
        return False
    long, short = (a, b) if len(a) > len(b) else (b, a)
    i = next((i for i in range(len(short)) if long[i] != short[i]), len(short))
    return _letter(long[i]) and long[:i] + long[i + 1:] == short


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and ch.isalpha()


def _same_sound(x: str, y: str) -> bool:
    """Two Chinese characters with a reading in common, tones aside (流式 for 流失, 歀 for
    款): the slip a pinyin input method makes by picking the wrong character of a sound."""
    from pypinyin import Style, pinyin

    def sounds(ch: str) -> set[str]:
        return set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])

    return bool(sounds(x) & sounds(y))


def _letter(ch: str) -> bool:
    """An alphabetic letter of a script written with letters (not a digit, a sign or a
    Chinese character, one of which can change the meaning on its own)."""
    return ch.isalpha() and unicodedata.east_asian_width(ch) not in ("W", "F")


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
