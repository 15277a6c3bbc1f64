"""The one logging setup of every command (cdp.cli, cdp_dev.cli): one handler on stderr, in one of four layouts.

* PLAIN: what a person reads while a command works (loading, generating): progress (INFO) as the message alone,
  anything else prefixed with its level in lower case, like the commands' own error lines (``warning: ...``);
* NAMED: diagnostics (``-v``): ``LEVEL logger: message``;
* TIMED: a command that runs on a schedule: ``date time LEVEL logger: message``;
* CLOCK: the steps of a long measurement: ``HH:MM:SS message``.

stdout is left to what a command prints as its result (tables, reports), so it can be read or piped apart.

The HTTP libraries (httpx, httpcore) log every request's address, which can itself be a secret (an alert webhook's
address): they log warnings and errors only, whatever the level (QUIET_LIBRARIES).
"""

from __future__ import annotations

import logging
import sys

PLAIN, NAMED, TIMED, CLOCK = "plain", "named", "timed", "clock"
QUIET_LIBRARIES = ("httpx", "httpcore")
LAYOUTS: dict[str, tuple[str, str | None]] = {  # layout -> (format, date format) of logging.Formatter
    NAMED: ("%(levelname)s %(name)s: %(message)s", None),
    TIMED: ("%(asctime)s %(levelname)s %(name)s: %(message)s", None),
    CLOCK: ("%(asctime)s %(message)s", "%H:%M:%S"),
}


class PlainFormatter(logging.Formatter):
    """The message alone at INFO; ``<level>: message`` (lower case) at every other level."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        return message if record.levelno == logging.INFO else f"{record.levelname.lower()}: {message}"


def formatter(layout: str) -> logging.Formatter:
    """The formatter of one of the layouts (PLAIN, NAMED, TIMED, CLOCK)."""
    if layout == PLAIN:
        return PlainFormatter()
    try:
        return logging.Formatter(*LAYOUTS[layout])
    except KeyError:
        raise ValueError(f"unknown log layout {layout!r}; known: {', '.join([PLAIN, *LAYOUTS])}") from None


def setup_logging(level: int = logging.INFO, layout: str = PLAIN) -> None:
    """Log records of ``level`` and above to stderr in ``layout``; called once, at the start of a command's main().

    Like logging.basicConfig, it does nothing when the root logger already has a handler: an earlier call (a
    command that runs another's main() keeps its own layout) or a test's log capture.
    """
    for library in QUIET_LIBRARIES:
        logging.getLogger(library).setLevel(logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(layout))
    logging.basicConfig(level=level, handlers=[handler])
