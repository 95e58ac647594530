"""The schema as SQL, generated from :mod:`quizzer.store.models` by
``python -m quizzer.store.models``: do not edit by hand.

A new database is created from these statements, so opening one never imports
SQLModel or SQLAlchemy."""

SCHEMA = (
    "CREATE TABLE cards (\n\tid INTEGER NOT NULL, \n\tquestion_id VARCHAR NOT NULL, \n\tstate INTEGER NOT NULL, \n\tstep INTEGER, \n\tstability FLOAT, \n\tdifficulty FLOAT, \n\tdue INTEGER NOT NULL, \n\tlast_review INTEGER, \n\treps INTEGER NOT NULL, \n\tlapses INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (question_id)\n)",
    "CREATE INDEX ix_cards_state_due ON cards (state, due)",
    "CREATE TABLE stats_buckets (\n\tbucket INTEGER NOT NULL, \n\treviews INTEGER NOT NULL, \n\tgraded INTEGER NOT NULL, \n\tpassed INTEGER NOT NULL, \n\tPRIMARY KEY (bucket)\n)",
    "CREATE TABLE stats_cards (\n\tcard_id INTEGER NOT NULL, \n\treviews INTEGER NOT NULL, \n\tpassed INTEGER NOT NULL, \n\tduration_ms INTEGER NOT NULL, \n\tPRIMARY KEY (card_id)\n)",
    "CREATE TABLE reviews (\n\tid INTEGER NOT NULL, \n\tcard_id INTEGER NOT NULL, \n\treviewed_at INTEGER NOT NULL, \n\trating INTEGER NOT NULL, \n\tstatus VARCHAR NOT NULL, \n\tanswer VARCHAR NOT NULL, \n\tseed INTEGER, \n\tduration_ms INTEGER NOT NULL, \n\tcram BOOLEAN NOT NULL, \n\tbefore_state INTEGER NOT NULL, \n\tafter_state INTEGER NOT NULL, \n\tafter_step INTEGER, \n\tafter_stability FLOAT, \n\tafter_difficulty FLOAT, \n\tafter_due INTEGER, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(card_id) REFERENCES cards (id)\n)",
    "CREATE INDEX ix_reviews_card_id ON reviews (card_id)",
    "CREATE INDEX ix_reviews_reviewed_at ON reviews (reviewed_at)",
    "CREATE TRIGGER stats_review_added AFTER INSERT ON reviews BEGIN\n    INSERT INTO stats_buckets\n        VALUES (NEW.reviewed_at / 900000, 1, NOT NEW.cram, NOT NEW.cram AND NEW.rating > 1)\n        ON CONFLICT(bucket) DO UPDATE SET reviews = reviews + 1,\n            graded = graded + excluded.graded, passed = passed + excluded.passed;\n    INSERT INTO stats_cards\n        SELECT NEW.card_id, 1, NEW.rating > 1, NEW.duration_ms WHERE NOT NEW.cram\n        ON CONFLICT(card_id) DO UPDATE SET reviews = reviews + 1,\n            passed = passed + excluded.passed,\n            duration_ms = duration_ms + excluded.duration_ms;\nEND",
    "CREATE TRIGGER stats_review_removed AFTER DELETE ON reviews BEGIN\n    UPDATE stats_buckets SET reviews = reviews - 1, graded = graded - (NOT OLD.cram),\n            passed = passed - (NOT OLD.cram AND OLD.rating > 1)\n        WHERE bucket = OLD.reviewed_at / 900000;\n    UPDATE stats_cards SET reviews = reviews - 1, passed = passed - (OLD.rating > 1),\n            duration_ms = duration_ms - OLD.duration_ms\n        WHERE card_id = OLD.card_id AND NOT OLD.cram;\nEND",
)
