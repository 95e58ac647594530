"""Which demo snippets may run: the shipped bank's, and those the user has read and allowed.

A snippet is a Python program, so a bank from someone else can only run one after the person
has seen its path and source and said yes, like ``direnv allow``. The yes is remembered for
that path *and* its content (SHA-256) in ``trusted-demos.json`` next to the config file: an
edited file asks again. Snippets of the bank shipped inside quizzer are always trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from quizzer import paths

TRUST_FILE = "trusted-demos.json"
MAX_SHOWN_BYTES = 64 * 1024


def trust_file() -> Path:
    """Where allowed snippets are remembered."""
    return paths.config_path().parent / TRUST_FILE


def digest(path: Path) -> str:
    """The SHA-256 of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_shipped(path: Path) -> bool:
    """Whether ``path`` (resolved) is inside the bank shipped with quizzer."""
    return path.resolve().is_relative_to(paths.default_bank_dir().resolve())


def _allowed() -> dict[str, str]:
    try:
        data = json.loads(trust_file().read_text(encoding="utf-8"))
        allowed = data.get("allowed", {}) if isinstance(data, dict) else {}
        return {str(k): str(v) for k, v in allowed.items()} if isinstance(allowed, dict) else {}
    except (OSError, ValueError):
        return {}  # unreadable or damaged: nothing is trusted, every snippet asks again


def is_trusted(path: Path) -> bool:
    """Whether the snippet at ``path`` may run without asking."""
    if is_shipped(path):
        return True
    try:
        return _allowed().get(str(path.resolve())) == digest(path)
    except OSError:
        return False


def review(path: Path) -> tuple[str, str]:
    """(source to show, SHA-256 of the bytes shown) for asking about the snippet at ``path``.

    The digest is of the very bytes shown, so allowing it never trusts a later edit."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return f"(cannot read {path}: {exc.strerror})", ""
    source = raw[:MAX_SHOWN_BYTES].decode("utf-8", errors="replace")
    if len(raw) > MAX_SHOWN_BYTES:
        source += f"\n… ({len(raw):,} bytes in all; read the whole file before allowing it)"
    return source, hashlib.sha256(raw).hexdigest()


def allow(path: Path, sha256: str) -> None:
    """Remember that the person read the snippet at ``path`` with content ``sha256`` (from
    :func:`review`) and allowed it."""
    allowed = _allowed()
    allowed[str(path.resolve())] = sha256
    target = trust_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"allowed": allowed}, indent=1), encoding="utf-8")
    tmp.replace(target)
