"""Small helpers on files shared by the runner, the demo data and the parameter files."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ._checks import closest
from .catalogue import Note

__all__ = ["sha256_of", "missing_path_hint"]


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB chunks (hex digest)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def missing_path_hint(path: str | Path) -> Note:
    """For a data path that does not exist: the closest existing file or folder beside it,
    as " Did you mean '<path>'?", or, when its folder does not exist either, which one of
    its parent folders is the last that does; "" when there is nothing to say.

    A folder named by the start of its name counts as close (``maven_crm`` for
    ``maven_crm_sales_opportunities``): an export's folder often carries a longer name
    than the one a consultant remembers; so does one whose name starts the name written
    (``callx`` for ``callx_missing`` or ``callx_2026-10``). A Note, whose ``zh`` says it in
    Chinese.
    """
    p = Path(path)
    parent = p.parent
    if not parent.is_dir():
        existing = next((a for a in p.parents if a.is_dir()), None)
        return (Note(f" Its folder {parent} does not exist either; the nearest that does is {existing}.",
                     f"它所在的文件夹 {parent} 也不存在，最近的存在的上级文件夹是 {existing}。")
                if existing is not None and existing != Path(existing.anchor) else Note("", ""))
    try:
        names = sorted(e.name for e in parent.iterdir() if not e.name.startswith("."))
    except OSError:
        return Note("", "")
    want = p.name.casefold()
    starts = [n for n in names if len(want) >= 3 and n.casefold().startswith(want)]
    # and the other way round: ``exports/callx_missing`` (a copy's suffix) beside ``callx``
    heads = sorted((n for n in names if len(n) >= 3 and want.startswith(n.casefold())), key=len)
    match = (starts[0] if len(starts) == 1 else closest(p.name, names) or closest(p.name, starts, cutoff=0)
             or (heads[-1] if heads else None))
    return Note(f" Did you mean '{parent / match}'?", f"是否应为「{parent / match}」？") if match else Note("", "")
