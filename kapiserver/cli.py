"""main(argv): parse -> complete -> validate (all errors at once) -> run."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Sequence

from kapiserver.options import ServerRunOptions


def _setup_logging(verbosity: int) -> None:
    level = logging.DEBUG if verbosity >= 4 else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname).1s %(name)s] %(message)s",
                        datefmt="%m%d %H:%M:%S", stream=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    options = ServerRunOptions()
    options.parse(list(sys.argv[1:] if argv is None else argv))
    if options.help_requested:
        print(options.help_text())
        return 0
    options.complete()
    problems = options.validate()
    if problems:
        for problem in problems:
            print(f"Error: {problem}", file=sys.stderr)
        return 1
    _setup_logging(options.misc["v"])
    from kapiserver.app import server

    try:
        import uvloop

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    try:
        runner(server.run(options))
    except KeyboardInterrupt:
        pass
    return 0
