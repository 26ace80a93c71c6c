"""What the processes that run reports import, and what they do without."""
from __future__ import annotations

import sys


def skip_iri_grammar() -> None:
    """Let this process run reports without importing ``rfc3987_syntax``.

    jsonschema, with which nbformat (and so Papermill and nbconvert) checks notebooks,
    imports rfc3987_syntax whenever it is installed (nbformat asks for
    ``jsonschema[format-nongpl]``), and that module compiles an IRI grammar with lark as it
    is imported: 2-3 s at the start of every ``salesperf run``, ``run-all`` and ``demo``
    (python-jsonschema/jsonschema#1428). No notebook schema uses the IRI formats it checks,
    so the processes that run reports (the command line and the workers of
    :func:`~salesperf_kit.report.run_many`) do without it, and jsonschema leaves those two
    formats unchecked. A process that has imported it already keeps it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # (None: an import of it raises ImportError)
