"""Load the question bank from YAML directories, with file:line for every error.

A broken file or question never stops the rest of the bank from loading: each problem is
collected as a :class:`BankError` and the good questions are kept. Parsed files are cached
by content hash, because YAML parsing dominates load time on large banks.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import pickle
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer.bank.curriculum import (
    TOPICS_FILE,
    introduction_order,
    ordered_topics,
    read_topics_file,
)
from quizzer.bank.schema import Question
from quizzer.bank.yaml_limits import MAX_FILE_BYTES, LimitExceeded, check_limits
from quizzer.safe_text import clean, clip

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails

CACHE_VERSION = 3
MESSAGE_LIMIT = 400


@dataclass(frozen=True)
class BankError:
    """One problem in a bank file, located as ``path:line``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return clean(f"{self.path}:{self.line}: {clip(self.message, MESSAGE_LIMIT)}")


@dataclass(frozen=True)
class Source:
    """Where a question was defined."""

    path: Path
    line: int
    bank_dir: Path


@dataclass
class Bank:
    """The loaded questions, where each came from, and every problem found."""

    questions: dict[str, Question] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    errors: list[BankError] = field(default_factory=list)
    declared_topics: list[str] = field(default_factory=list)

    def source(self, qid: str) -> Source:
        """Where question ``qid`` is defined."""
        return self.sources[qid]

    def topics(self) -> list[str]:
        """The topics in study order (as ``topics.txt`` declares, then bank order), each once."""
        return ordered_topics(self.declared_topics, self.questions.values())

    def curriculum(self, topics: Sequence[str] | None = None) -> list[str]:
        """The question ids of ``topics`` (default: all; names as :meth:`select_topics`
        reads them) in the order new questions are introduced."""
        questions = self.questions.values() if topics is None else self.select_topics(topics)
        return introduction_order(questions, self.topics())

    def demo_path(self, qid: str) -> Path | None:
        """The question's demo snippet, resolved against its bank directory."""
        demo = self.questions[qid].demo
        return None if demo is None else demo_file(self.sources[qid].bank_dir, demo)

    def select(self, topic: str | None = None) -> list[Question]:
        """Questions in bank order, optionally of one topic (case-insensitive, prefix allowed)."""
        qs = list(self.questions.values())
        if topic is None:
            return qs
        want = topic.casefold()
        exact = [q for q in qs if q.topic.casefold() == want]
        return exact or [q for q in qs if q.topic.casefold().startswith(want)]

    def select_topics(self, topics: Sequence[str]) -> list[Question]:
        """Questions of any of ``topics`` (each read as :meth:`select` reads one), in bank
        order."""
        chosen = {q.id for topic in topics for q in self.select(topic)}
        return [q for q in self.questions.values() if q.id in chosen]


class _LineDict(dict[Any, Any]):
    """A YAML mapping that remembers the line of each key."""

    line: int
    lines: dict[object, int]


def _yaml_loader() -> type:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[misc, valid-type]
        pass

    def construct_map(loader: LineLoader, node: yaml.MappingNode) -> _LineDict:
        loader.flatten_mapping(node)
        mapping = _LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            mapping[key] = loader.construct_object(value_node, deep=True)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor("tag:yaml.org,2002:map", construct_map)
    return LineLoader


def _locate(item: object, loc: Sequence[int | str], default: int) -> int:
    """The line of the deepest part of ``item`` that ``loc`` (a pydantic error path) reaches."""
    line, node = default, item
    for part in loc:
        if isinstance(node, _LineDict) and part in node:
            line = node.lines.get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        # a discriminated-union tag such as 'numeric' is not a key: skip it
    return line


def _describe(error: ErrorDetails) -> str:
    loc = ".".join(str(p) for p in error["loc"] if p not in _KINDS)
    msg = error["msg"]
    if error["type"] == "extra_forbidden":
        msg = "unknown field"
    elif error["type"] == "missing":
        msg = "required field is missing"
    return f"{loc}: {msg}" if loc else msg


_KINDS = {"numeric", "expression", "vector", "choice", "recall"}


def parse_file(path: Path) -> tuple[list[tuple[Question, int]], list[BankError]]:
    """Parse one YAML file into (question, line) pairs and the errors found in it."""
    import yaml
    from pydantic import ValidationError

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return [], [BankError(path, 1, f"file is larger than {MAX_FILE_BYTES >> 20} MB")]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [BankError(path, 1, f"cannot read file: {exc}")]
    try:
        check_limits(text)
        data = yaml.load(text, Loader=_yaml_loader())
    except LimitExceeded as exc:
        return [], [BankError(path, exc.line, f"bad YAML: {exc}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start and start.line + 1 != line:  # e.g. where an unclosed quote began
            problem += f" ({context} at line {start.line + 1})"
        return [], [BankError(path, line, f"bad YAML: {problem}")]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [BankError(path, 1, "a bank file must be a YAML list of questions")]
    out: list[tuple[Question, int]] = []
    errors: list[BankError] = []
    for index, item in enumerate(data):
        line = getattr(item, "line", 1)
        if not isinstance(item, dict):
            errors.append(BankError(path, line, f"item {index + 1} is not a mapping"))
            continue
        try:
            out.append((Question.model_validate(dict(item)), line))
        except ValidationError as exc:
            qid = item.get("id")
            if not isinstance(qid, str) or len(qid) > 100:
                qid = f"item {index + 1}"
            for err in exc.errors(include_input=False, include_url=False):
                where = _locate(item, err["loc"], line)
                errors.append(BankError(path, where, f"{qid}: {_describe(err)}"))
    return out, errors


def _rebuild(
    cls: type[BaseModel],
    state: dict[str, object],
    fields_set: set[str],
    extra: object,
    private: object,
) -> BaseModel:
    """Recreate a cached, already validated model: ten times faster than pydantic's own
    unpickling, which dominates a warm load of a large bank."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", state)
    object.__setattr__(obj, "__pydantic_fields_set__", fields_set)
    object.__setattr__(obj, "__pydantic_extra__", extra)
    object.__setattr__(obj, "__pydantic_private__", private)
    return obj


class _CachePickler(pickle.Pickler):
    """Pickles pydantic models as :func:`_rebuild` calls."""

    def reducer_override(self, obj: object) -> Any:
        from pydantic import BaseModel

        if isinstance(obj, BaseModel):
            state = (obj.__dict__, obj.__pydantic_fields_set__, obj.__pydantic_extra__)
            return _rebuild, (type(obj), *state, obj.__pydantic_private__)
        return NotImplemented


@functools.cache
def _schema_fingerprint() -> str:
    """Changes whenever the code that parses and validates a bank file changes, so a cache
    entry written by another version of quizzer is never read back as this one's models."""
    from quizzer.bank import schema
    from quizzer.check import spec

    digest = hashlib.sha256(str(CACHE_VERSION).encode())
    for module in (schema, spec, sys.modules[__name__]):
        try:
            digest.update(Path(str(module.__file__)).read_bytes())
        except OSError:
            from quizzer import __version__

            digest.update(__version__.encode())
    return digest.hexdigest()[:12]


def _cached_parse(
    path: Path, cache: Path | None
) -> tuple[list[tuple[Question, int]], list[BankError]]:
    if cache is None:
        return parse_file(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    except OSError:
        return parse_file(path)
    entry = cache / f"bank-{_schema_fingerprint()}-{digest}.pickle"
    try:
        with entry.open("rb") as f:
            questions, errors = pickle.load(f)
        return questions, [BankError(path, e.line, e.message) for e in errors]
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
        pass
    questions, errors = parse_file(path)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{id(questions)}.tmp")
        with tmp.open("wb") as f:
            _CachePickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump((questions, errors))
        tmp.replace(entry)
    except OSError:
        pass  # a read-only cache dir only costs speed
    return questions, errors


class DemoOutsideBank(ValueError):
    """A ``demo:`` path that leads out of its bank directory."""


def demo_file(bank_dir: Path, demo: str) -> Path:
    """The snippet file a ``demo:`` path names, with symlinks resolved.

    Raises :class:`DemoOutsideBank` when it is absolute or resolves (``..``, a symlink)
    outside ``bank_dir``: a bank may only run files it ships."""
    if Path(demo).is_absolute():
        raise DemoOutsideBank(f"demo path {demo!r} must be relative to the bank directory")
    root = bank_dir.resolve()
    path = (root / demo).resolve()
    if not path.is_relative_to(root):
        raise DemoOutsideBank(f"demo {demo!r} resolves to {path}, outside the bank directory")
    return path


def bank_files(directory: Path) -> list[Path]:
    """The YAML files of a bank directory, in name order."""
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def load_bank(dirs: Iterable[Path], cache: Path | None = None) -> Bank:
    """Load every ``*.yaml`` file of each directory into one bank.

    Later duplicates of an id are reported (with both places) and skipped. ``cache`` is a
    directory for parsed files keyed by content; None disables caching.
    """
    bank = Bank()
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new objects and no cycles: one GC pass at the end
    try:
        _load_dirs(bank, dirs, cache)
    finally:
        if collecting:
            gc.enable()
    return bank


def _load_dirs(bank: Bank, dirs: Iterable[Path], cache: Path | None) -> None:
    topic_files: list[Path] = []
    for directory in dirs:
        if not directory.is_dir():
            bank.errors.append(BankError(directory, 0, "bank directory does not exist"))
            continue
        if (directory / TOPICS_FILE).is_file():
            topic_files.append(directory / TOPICS_FILE)
        for path in bank_files(directory):
            questions, errors = _cached_parse(path, cache)
            bank.errors.extend(errors)
            for question, line in questions:
                if question.demo is not None:
                    try:  # not cached with the file: it depends on the file system
                        demo_file(directory, question.demo)
                    except (DemoOutsideBank, OSError, RuntimeError) as exc:
                        bank.errors.append(BankError(path, line, f"{question.id}: {exc}"))
                        continue
                if (first := bank.sources.get(question.id)) is not None:
                    bank.errors.append(
                        BankError(
                            path,
                            line,
                            f"duplicate id {question.id!r} (first defined at "
                            f"{first.path}:{first.line})",
                        )
                    )
                    continue
                bank.questions[question.id] = question
                bank.sources[question.id] = Source(path, line, directory)
    _read_topic_order(bank, topic_files)


def _read_topic_order(bank: Bank, paths: Iterable[Path]) -> None:
    """Collect the declared topic order; a topic without questions is reported at its line."""
    present = {q.topic.casefold() for q in bank.questions.values()}
    for path in paths:
        topics, problems = read_topics_file(path)
        for name, line in topics:
            if name.casefold() in present:
                bank.declared_topics.append(name)
            else:
                problems.append((line, f"topic {name!r} has no questions"))
        bank.errors.extend(BankError(path, line, message) for line, message in sorted(problems))
