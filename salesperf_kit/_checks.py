"""The one argument checker, with the one message format."""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from .catalogue import Note
from .exceptions import SalesperfError

__all__ = ["check_one_of", "closest", "did_you_mean", "one_slip_apart", "squeezed", "name_slip", "people_meant",
           "person", "did_you_mean_person"]


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


def did_you_mean(value: object, options: Iterable[str], cutoff: float = 0.6) -> Note:
    """' Did you mean 'x'?' when a close match exists, else '': a Note, whose ``zh`` is the
    question in Chinese (是否应为「x」？)."""
    match = closest(value, options, cutoff)
    return Note(f" Did you mean '{match}'?", f"是否应为「{match}」？") if match else Note("", "")


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


def squeezed(text: object) -> str:
    """``text`` without any whitespace, emoji or other symbol: the form in which two writings
    of one name are the same when an export spaced it out (王 芳, 王　芳 with a full-width
    space, to line up two-character names with three-character ones) or decorated it as a
    WeChat nickname (陈静🌸, ✨徐丽✨) and the other did not (王芳, 陈静, 徐丽).

    The symbols left out are Unicode's other and modifier symbols (So, Sk: emoji, ✨, ★, skin
    tones), format characters (Cf: the zero-width joiner of 👩‍💼) and the marks that draw
    or select an emoji (Me, variation selectors); letters, digits and punctuation stay
    (阿依古丽·买买提, O'Neil).

    >>> [squeezed(t) for t in ("王 芳", "陈静🌸", "✨徐丽✨", "👩‍💼 Amy ", "阿依古丽·买买提")]
    ['王芳', '陈静', '徐丽', 'Amy', '阿依古丽·买买提']
    """
    return "".join(ch for ch in re.sub(r"\s+", "", str(text)) if not _decoration(ch))


def _decoration(ch: str) -> bool:
    """An emoji or other symbol that decorates a name (see :func:`squeezed`)."""
    return (unicodedata.category(ch) in ("So", "Sk", "Cf", "Me")
            or "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef")


def name_slip(written: object, name: object) -> bool:
    """Whether ``written`` is probably ``name`` mistyped: the same but for the whitespace
    inside (王 芳 for 王芳, see :func:`squeezed`), or one slip apart (吴夏 for 吴霞, a character
    of the same sound; see :func:`one_slip_apart`)."""
    written, name = str(written).strip(), str(name).strip()
    return written != name and bool(name) and (squeezed(written) == squeezed(name) or one_slip_apart(written, name))


def people_meant(written: object, people: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (employee_id, name) pairs of ``people`` whose name ``written`` is probably a slip
    of (:func:`name_slip`), in their order."""
    return [(str(i), str(n)) for i, n in people if isinstance(n, str) and name_slip(written, n)]


def person(employee_id: object, name: object, language: str = "en") -> str:
    """A person as a message lists them: ``吴霞 (0016)``, in Chinese ``吴霞（0016）``, or
    the id alone when there is no name or the name is the id."""
    i, n = str(employee_id), (name.strip() if isinstance(name, str) else "")
    if not n or n == i:
        return i
    return f"{n}（{i}）" if language == "zh" else f"{n} ({i})"


def did_you_mean_person(written: object, people: Iterable[tuple[str, str]]) -> Note:
    """' Did you mean 吴霞 (0016)?' when ``written`` is probably a slip of the name of one or
    more of ``people`` ((employee_id, name) pairs; see :func:`people_meant`), else '': a Note,
    whose ``zh`` is the question in Chinese (是否应为吴霞（0016）？)."""
    pairs = people_meant(written, people)
    if not pairs:
        return Note("", "")
    meant = [person(i, n) for i, n in pairs]
    en = meant[0] if len(meant) == 1 else ", ".join(meant[:-1]) + " or " + meant[-1]
    return Note(f" Did you mean {en}?", f"是否应为{'或'.join(person(i, n, 'zh') for i, n in pairs)}？")


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


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100}
_NUMBERS = re.compile(r"\d+|[零〇一二两三四五六七八九十百]+")


def _cn_number(text: str) -> int:
    """一 1, 十 10, 十二 12, 二十三 23, 一百零五 105; digits alone (一〇二) read one by one."""
    if not any(c in _CN_UNITS for c in text):
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, digit = 0, 0
    for c in text:
        if c in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[c]
            digit = 0
        else:
            digit = _CN_DIGITS[c]
    return total + digit


def natural_key(value: object) -> tuple:
    """A sort key that orders names by the numbers in them, written in digits or in Chinese:
    电销一部, 电销二部, 电销三部, 电销十部 (not 一部, 三部, 二部, 十部 as text sorts them), Team 2
    before Team 10; other text compares as text."""
    text = str(value)
    parts: list[tuple[int, object]] = []
    at = 0
    for m in _NUMBERS.finditer(text):
        if m.start() > at:
            parts.append((0, text[at:m.start()]))
        parts.append((1, int(m.group()) if m.group().isdigit() else _cn_number(m.group())))
        at = m.end()
    if at < len(text):
        parts.append((0, text[at:]))
    return tuple(parts)
