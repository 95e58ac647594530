"""Limits on what one YAML bank file may make the loader build.

A bank is shared content, so a file is checked before it is turned into Python objects:
nesting deeper than :data:`MAX_DEPTH` (Python recursion would fail and lose the whole bank)
and aliases that expand to more than :data:`MAX_ALIAS_NODES` values (a "billion laughs" bomb
of a few hundred bytes that validation or an error message would walk exponentially) are
refused with the line where they start. The check reads the event stream, which needs no
recursion and builds nothing, so a hostile file costs about what a plain one does.
"""

from __future__ import annotations

MAX_DEPTH = 32
MAX_ALIAS_NODES = 100_000
MAX_FILE_BYTES = 64 * 1024 * 1024


class LimitExceeded(Exception):
    """A file goes past one of the limits; ``line`` is where (1-based)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def check_limits(text: str) -> None:
    """Raise :class:`LimitExceeded` when ``text`` nests too deep or its aliases expand too
    far; a YAML syntax error is raised as ``yaml.YAMLError`` for the caller to report."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    sizes: list[int] = []  # values inside each open collection, aliases expanded
    anchors: list[str | None] = []
    anchored: dict[str, int] = {}
    aliased = 0
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1 if event.start_mark else 1
        if isinstance(event, yaml.CollectionStartEvent):
            if len(sizes) >= MAX_DEPTH:
                raise LimitExceeded(line, f"nested deeper than {MAX_DEPTH} levels")
            sizes.append(1)
            anchors.append(event.anchor)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            size, anchor = sizes.pop(), anchors.pop()
            if anchor is not None:
                anchored[anchor] = size
        elif isinstance(event, yaml.ScalarEvent):
            size = 1
            if event.anchor is not None:
                anchored[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            size = anchored.get(event.anchor or "", 1)
            aliased += size
            if aliased > MAX_ALIAS_NODES:
                raise LimitExceeded(
                    line,
                    f"aliases expand to more than {MAX_ALIAS_NODES:,} values "
                    "(a YAML alias bomb?); write the values out instead",
                )
        else:
            continue
        if sizes:
            sizes[-1] += size
