"""``sqlgateway sql``: an interactive SQL client for any Apache Flink SQL Gateway.

Entry point: :func:`main` (``main(argv) -> exit code``).
"""

from .app import Shell, main, run
from .options import Options, add_arguments, build_parser, options_from_namespace

__all__ = [
    "Options",
    "Shell",
    "add_arguments",
    "build_parser",
    "main",
    "options_from_namespace",
    "run",
]
