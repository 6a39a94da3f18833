-- One row per finished transform run, so that a running server notices new data (and
-- re-reads the values people name in questions) without being told.
CREATE TABLE etl_transform_runs (
    finished_at   TIMESTAMP NOT NULL,
    models_built  INTEGER NOT NULL
);
