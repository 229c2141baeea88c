"""Regenerate the README's configuration table from the declared options:
``python -m sqlgateway.docgen`` rewrites the block between the options markers."""

from __future__ import annotations

import re
from pathlib import Path

from sqlgateway import config
from sqlgateway.cli import _load_optional_options

BEGIN, END = "<!-- options:begin -->", "<!-- options:end -->"


def options_table() -> str:
    _load_optional_options()
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for opt in sorted(config.OPTIONS, key=lambda o: o.key):
        default = "(none)" if opt.default is None else f"`{opt.default}`"
        rows.append(f"| `{opt.key}` | {default} | {opt.doc.replace('|', '/')} |")
    return "\n".join(rows)


def main(path: str = "README.md") -> None:
    readme = Path(path)
    text = readme.read_text()
    block = f"{BEGIN}\n{options_table()}\n{END}"
    readme.write_text(re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), block, text, flags=re.S))


if __name__ == "__main__":
    main()
