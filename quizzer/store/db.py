"""The review store: SQLite in WAL mode, one transaction per graded review.

Opening never modifies a file that is not a quizzer database (wrong format, newer schema):
it raises :class:`StoreError` with one line that names the file and what to do.
"""

from __future__ import annotations

import heapq
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path

from quizzer.errors import QuizzerError
from quizzer.model import CardState, Rating, ReviewInput, State
from quizzer.store import lock
from quizzer.store.migrations import SCHEMA_VERSION, MigrationError, migrate
from quizzer.store.queries import DueCard, Queries, named_rows

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000


class StoreError(QuizzerError):
    """A database problem, phrased for the person at the keyboard."""


class _Locked(Exception):
    """Another connection held a lock that SQLite would not wait for."""


_SCHEDULED = (State.LEARNING, State.REVIEW, State.RELEARNING)
_SEEN = f"state != {State.NEW:d}"
"""The SQL condition of a card reviewed at least once."""
_CARD_COLUMNS = "question_id, state, step, stability, difficulty, due, last_review, reps, lapses"


def _card(row: sqlite3.Row) -> CardState:
    """A ``cards`` row (read with :data:`_CARD_COLUMNS`) as a :class:`CardState`."""
    try:
        state = State(row["state"])
    except ValueError:
        raise StoreError(
            f"card {row['question_id']!r} has an unknown state {row['state']!r}; the database "
            "is damaged. Restore a backup with `quizzer restore FILE`."
        ) from None
    return CardState(
        question_id=row["question_id"],
        state=state,
        step=row["step"],
        stability=row["stability"],
        difficulty=row["difficulty"],
        due=row["due"],
        last_review=row["last_review"],
        reps=row["reps"],
        lapses=row["lapses"],
    )


def _check_header(path: Path) -> None:
    """Refuse, without writing, a file that is not SQLite or is shorter than its header says."""
    try:
        with path.open("rb") as f:
            header = f.read(100)
            size = f.seek(0, 2)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read database {path}: {exc.strerror}") from None
    if header and not header.startswith(SQLITE_HEADER):
        raise StoreError(
            f"{path} is not a quizzer database (not SQLite); it was left untouched. "
            "Move it aside, or restore a backup with `quizzer restore FILE`."
        )
    if len(header) == 100:
        page_size = int.from_bytes(header[16:18]) or 65536
        pages = int.from_bytes(header[28:32])
        # The page count is valid when the change counter matches "version valid for".
        if header[24:28] == header[92:96] and size < pages * page_size:
            raise StoreError(
                f"{path} is damaged: truncated to {size} of {pages * page_size} bytes; it "
                "was left untouched. Restore a backup with `quizzer restore FILE`."
            )


def explain(exc: sqlite3.Error, path: Path) -> str:
    """One line for an SQLite failure on ``path`` that names its real cause: a read-only
    file or folder and a full disk are not damage, and restoring a backup over good data
    because of them would lose reviews."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return (
            f"cannot write {path} ({exc}): the file or its folder is read-only or not "
            "accessible; quizzer needs to write the database and its -wal and -shm files "
            "there. Nothing was changed; the data is not damaged."
        )
    if name == "SQLITE_FULL":
        return (
            f"cannot write {path}: the disk is full. Nothing was changed; free some space "
            "and try again."
        )
    if name.startswith("SQLITE_IOERR"):
        return f"cannot read or write {path}: input/output error from the disk ({exc})."
    return (
        f"{path} is damaged or not a quizzer database ({exc}); it was left untouched. "
        "Restore a backup with `quizzer restore FILE`."
    )


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def _connect(path: Path | str, *, uri: bool = False) -> sqlite3.Connection:
    # sqlite3's default check_same_thread stays on: a connection used by two threads at
    # once fails at random ("Error creating function" while the other has a statement
    # open), so a worker thread that reads opens its own (Store.reading).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=uri)
    conn.row_factory = sqlite3.Row  # columns by name, never by position
    return conn


class Store(Queries):
    """An open quizzer database. Every SQL statement quizzer runs is one of its methods
    (the read queries of stats, export, browse and the optimizer are in
    :class:`~quizzer.store.queries.Queries`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn  # private: every statement is a method of this class
        self._seen: set[str] | None = None
        self._seen_version = -1
        self._hold: int | None = None  # the shared lock (see quizzer.store.lock)
        self._inode: int | None = None  # of the file opened, to notice a restore replacing it

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating if needed) the database at ``path``.

        While another instance creates or converts the same file, SQLite can answer "locked"
        without waiting (a journal-mode switch or WAL recovery does not call the busy
        handler), so opening is retried until ``BUSY_TIMEOUT_MS`` has passed. The store
        holds a shared :mod:`~quizzer.store.lock` until closed, so that ``quizzer restore``
        refuses to replace the file under it; opening waits while a restore runs."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                store = cls._open_once(path)
            except _Locked as exc:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"{path} stayed locked by another program for "
                        f"{BUSY_TIMEOUT_MS // 1000} s ({exc}); close it and try again."
                    ) from None
                time.sleep(0.05)
                continue
            # Locked only once the file proved to be a sound quizzer database (opening a bad
            # one creates nothing beside it). A restore that ran in between replaced the
            # file: then the connection is to the old one, and opening starts over.
            try:
                store._hold = lock.try_shared(path)
                if store._inode == _inode(path):
                    return store
            except BlockingIOError:
                if time.monotonic() > deadline:
                    store.close()
                    raise StoreError(
                        f"{path} is being restored by another quizzer; try again when it "
                        "has finished."
                    ) from None
            store.close()
            time.sleep(0.05)

    @classmethod
    def _open_once(cls, path: Path) -> Store:
        _check_header(path)
        inode = _inode(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = _connect(path)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < 0:
                raise StoreError(
                    f"{path} has schema version {version}, which no quizzer writes; it was "
                    "left untouched. Restore a backup with `quizzer restore FILE`."
                )
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path} was written by a newer quizzer (schema v{version}, this one "
                    f"knows v{SCHEMA_VERSION}); it was left untouched. Upgrade quizzer."
                )
            # Read before any write, so a damaged or foreign file is refused untouched.
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if version == 0 and tables:
                raise StoreError(
                    f"{path} is an SQLite database of another program; it was left "
                    "untouched. Choose another file with --db or QUIZZER_DB."
                )
            if version:
                conn.execute("SELECT 1 FROM cards LIMIT 1").fetchone()
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                # Switching to WAL writes the header, so check the whole file first (this
                # happens once: for a copied backup or a file from an older quizzer).
                if version and conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise sqlite3.DatabaseError("quick_check found damaged pages")
                conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode: a commit survives a crash or kill -9 of the process; only
            # an OS crash or power loss can roll back the last transactions.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            if version == 0:
                cls._create(conn)
            elif version < SCHEMA_VERSION:
                migrate(conn, path, version)
        except MigrationError as exc:
            conn.close()
            raise StoreError(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            conn.close()
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise _Locked(str(exc)) from None
            raise StoreError(explain(exc, path)) from None
        except StoreError:
            conn.close()
            raise
        store = cls(path, conn)
        store._inode = inode or _inode(path)
        return store

    @staticmethod
    def _create(conn: sqlite3.Connection) -> None:
        """Create the schema in one transaction, unless another instance just did."""
        from quizzer.store.ddl import SCHEMA

        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                for statement in SCHEMA:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def reading(self) -> Store:
        """A read-only store on a connection of its own, for the thread that calls this
        (a worker computing stats or a preview) to use and close; it sees every review
        committed so far. The store that owns the database is used by one thread only."""
        try:
            conn = _connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except sqlite3.Error as exc:
            raise StoreError(explain(exc, self.path)) from None
        store = Store(self.path, conn)
        store._inode = self._inode
        return store

    def backup(self, label: str = "manual") -> Path:
        """Copy the database into its backups folder now; the new file."""
        from quizzer.store.backup import backup_file

        return backup_file(self._conn, self.path, label)

    def pragma(self, name: str) -> object:
        """The value of ``PRAGMA name`` on this connection (for diagnostics and tests)."""
        if not name.isidentifier():
            raise ValueError(f"not a pragma name: {name!r}")
        return self._conn.execute(f"PRAGMA {name}").fetchone()[0]

    def close(self) -> None:
        """Close the connection (a WAL checkpoint happens on the last close) and let go of
        the shared lock."""
        self._conn.close()
        lock.release(self._hold)
        self._hold = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------

    def card(self, question_id: str) -> CardState | None:
        """The card of ``question_id``, or None when it was never reviewed."""
        row = self._conn.execute(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE question_id = ?", (question_id,)
        ).fetchone()
        return None if row is None else _card(row)

    def cards(self) -> dict[str, CardState]:
        """Every card, keyed by question id."""
        rows = self._conn.execute(f"SELECT {_CARD_COLUMNS} FROM cards")
        return {r["question_id"]: _card(r) for r in rows}

    def due_cards(
        self,
        before_ms: int,
        states: tuple[State, ...] = (State.LEARNING, State.REVIEW, State.RELEARNING),
    ) -> Iterator[DueCard]:
        """The cards in ``states`` due before ``before_ms``, earliest first. Read lazily
        along the (state, due) index, so a caller that has enough can stop after a few rows
        whatever the size of the collection."""
        streams = [
            named_rows(
                self._conn.execute(
                    "SELECT question_id, state, due FROM cards WHERE state = ? AND due < ? "
                    "ORDER BY due",
                    (state, before_ms),
                ),
                DueCard,
            )
            for state in states
        ]
        return heapq.merge(*streams, key=lambda card: card.due)

    def next_due(self) -> CardState | None:
        """The reviewed card due soonest."""
        first = next(iter(self.due_cards(2**62)), None)
        return None if first is None else self.card(first.question_id)

    def seen_ids(self) -> AbstractSet[str]:
        """The question ids reviewed at least once. Cached: re-read only when another
        connection has written to the database (``PRAGMA data_version``)."""
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if self._seen is None or version != self._seen_version:
            rows = self._conn.execute(f"SELECT question_id FROM cards WHERE {_SEEN}")
            self._seen = {r[0] for r in rows}
            self._seen_version = version
        return self._seen

    def known_ids(self, question_ids: Collection[str]) -> set[str]:
        """Which of ``question_ids`` have been reviewed at least once. A few ids are looked
        up directly; many are answered from :meth:`seen_ids`."""
        if self._seen is None and len(question_ids) <= 500:
            marks = ",".join("?" * len(question_ids))
            rows = self._conn.execute(
                f"SELECT question_id FROM cards WHERE {_SEEN} AND question_id IN ({marks})",
                list(question_ids),
            )
            return {r[0] for r in rows}
        seen = self.seen_ids()
        return {q for q in question_ids if q in seen}

    def counts_since(self, since_ms: int) -> tuple[int, int]:
        """(reviews of seen cards, new cards introduced) since ``since_ms``, cram excluded."""
        row = self._conn.execute(
            "SELECT coalesce(sum(before_state != 0), 0), coalesce(sum(before_state = 0), 0) "
            "FROM reviews WHERE reviewed_at >= ? AND cram = 0",
            (since_ms,),
        ).fetchone()
        return int(row[0]), int(row[1])

    def reviews_total(self) -> int:
        """How many reviews are stored."""
        return int(self._conn.execute("SELECT count(*) FROM reviews").fetchone()[0])

    def cards_seen(self) -> int:
        """How many questions have been reviewed at least once."""
        return int(
            self._conn.execute(
                f"SELECT count(*) FROM cards WHERE state != {State.NEW:d}"
            ).fetchone()[0]
        )

    # -- writing -----------------------------------------------------------------------

    def record(self, before: CardState | None, after: CardState, review: ReviewInput) -> int:
        """Store one review and the card's new state in a single transaction; the review id."""
        return self._record(after.question_id, lambda _stored: (before, after), review)[0]

    def record_next(
        self,
        question_id: str,
        next_state: Callable[[CardState | None], CardState],
        review: ReviewInput,
    ) -> tuple[int, CardState]:
        """Store one review of ``question_id`` whose new card state ``next_state`` computes
        from the card as stored, read inside the write transaction: another instance that
        rated the same card a moment ago is built upon, never overwritten. Returns the
        review id and the state stored."""
        return self._record(question_id, lambda stored: (stored, next_state(stored)), review)

    def _record(
        self,
        question_id: str,
        states: Callable[[CardState | None], tuple[CardState | None, CardState]],
        review: ReviewInput,
    ) -> tuple[int, CardState]:
        try:
            with self._transaction():
                before, after = states(self.card(question_id))
                prior = before or CardState(question_id)
                card_id = self._upsert_card(after)
                cur = self._conn.execute(
                    "INSERT INTO reviews (card_id, reviewed_at, rating, status, answer, seed, "
                    "duration_ms, cram, before_state, after_state, after_step, "
                    "after_stability, after_difficulty, after_due) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        card_id,
                        review.reviewed_at,
                        review.rating,
                        review.status,
                        review.answer,
                        review.seed,
                        review.duration_ms,
                        int(review.cram),
                        prior.state,
                        after.state,
                        after.step,
                        after.stability,
                        after.difficulty,
                        after.due,
                    ),
                )
                review_id = int(cur.lastrowid or 0)
        except sqlite3.Error as exc:
            raise StoreError(f"could not save the review to {self.path}: {exc}") from None
        self._note_seen(question_id, after.state)
        return review_id, after

    def undo(self, review_id: int) -> CardState | None:
        """Delete review ``review_id`` and put its card back exactly as it was before it:
        as the card's previous non-cram review left it, or new when there is none.

        Returns the restored state (None when the card had never been reviewed before)."""
        try:
            with self._transaction():
                row = self._conn.execute(
                    "SELECT c.question_id, r.before_state, c.reps, c.lapses, r.card_id, "
                    "r.rating, r.cram FROM reviews r JOIN cards c ON c.id = r.card_id "
                    "WHERE r.id = ?",
                    (review_id,),
                ).fetchone()
                if row is None:
                    raise StoreError(f"review {review_id} is not in {self.path}")
                qid, card_id = row["question_id"], row["card_id"]
                self._conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
                if row["cram"]:
                    return self.card(qid)
                previous = self._conn.execute(
                    "SELECT after_state, after_step, after_stability, after_difficulty, "
                    "after_due, reviewed_at FROM reviews WHERE card_id = ? AND id < ? "
                    "AND NOT cram ORDER BY id DESC LIMIT 1",
                    (card_id, review_id),
                ).fetchone()
                lapsed = row["rating"] == Rating.AGAIN and row["before_state"] == State.REVIEW
                reps = max(0, row["reps"] - 1)
                lapses = max(0, row["lapses"] - int(lapsed))
                if previous is None:
                    restored = CardState(qid, reps=reps, lapses=lapses)
                else:
                    restored = CardState(
                        qid,
                        state=State(previous["after_state"]),
                        step=previous["after_step"],
                        stability=previous["after_stability"],
                        difficulty=previous["after_difficulty"],
                        due=previous["after_due"],
                        last_review=previous["reviewed_at"],
                        reps=reps,
                        lapses=lapses,
                    )
                self._upsert_card(restored)
            self._note_seen(qid, restored.state)
            return restored if restored.state != State.NEW else None
        except sqlite3.Error as exc:
            raise StoreError(f"could not undo the review in {self.path}: {exc}") from None

    def _note_seen(self, question_id: str, state: State) -> None:
        """Keep the ``seen_ids`` cache right after this connection's own writes."""
        if self._seen is not None:
            if state == State.NEW:
                self._seen.discard(question_id)
            else:
                self._seen.add(question_id)

    def _upsert_card(self, card: CardState) -> int:
        self._conn.execute(
            f"INSERT INTO cards ({_CARD_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(question_id) DO UPDATE SET state=excluded.state, step=excluded.step, "
            "stability=excluded.stability, difficulty=excluded.difficulty, due=excluded.due, "
            "last_review=excluded.last_review, reps=excluded.reps, lapses=excluded.lapses",
            (
                card.question_id,
                card.state,
                card.step,
                card.stability,
                card.difficulty,
                card.due,
                card.last_review,
                card.reps,
                card.lapses,
            ),
        )
        row = self._conn.execute(
            "SELECT id FROM cards WHERE question_id = ?", (card.question_id,)
        ).fetchone()
        return int(row[0])

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self._conn.execute("COMMIT")
        else:
            self._conn.execute("ROLLBACK")
