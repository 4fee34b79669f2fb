import html
import importlib.util
import shlex
from pathlib import Path

from painters.site import figures

# The cases are the tests' own table (tests/bad_input_cases.py), read from the repository root,
# where the build runs: every row below is run by tests/test_bad_input.py.
spec = importlib.util.spec_from_file_location("bad_input_cases", Path("tests") / "bad_input_cases.py")
cases = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cases)


def shown(kind, asked):
    """A command line as typed (placeholders as plain names, long arguments shortened, control
    characters escaped), a Python call, or what is done."""
    if isinstance(asked, str):
        text = html.escape(asked.replace("{tmp}/", ""))
        return f"<code>{text}</code>" if kind in ("api", "output") and text else text
    words = [a.replace("{out}", "grid.png").replace("{tmp}/", "") for a in asked]
    words = [w if w.isprintable() else w.encode("unicode_escape").decode() for w in words]
    words = [w if len(w) <= 48 else f"{w[:40]}... ({len(w):,} characters)" for w in words]
    return f"<code>python -m painters {html.escape(shlex.join(words))}</code>"


def said(words):
    """The words a message must contain ({name}: the checkpoint broken, gan on the command line)."""
    texts = (w.replace("{name}", "gan").replace("{checkpoints}", "FOLDER").replace("{tmp}/", "") for w in words)
    return figures.Html("<br>".join(f"<code>{html.escape(t)}</code>" for t in texts))


rows = [
    (
        figures.Html(f"<strong>{html.escape(kind)}</strong>: {html.escape(case.id)}"),
        figures.Html((f"<small>{html.escape(what)}:</small><br>" if i == 0 else "") + shown(kind, case.asked)),
        said(case.words),
        str(case.status),
    )
    for kind, what, table in cases.TABLES
    for i, case in enumerate(table)
]
print(figures.table(rows, ["case", "what is asked", "the message must contain", "exit status"]))
