-- report_runs: one row per per-project report made. at is the report's
-- time (its schedule slot), unix milliseconds (UTC); a report made again
-- for the same slot replaces its row. formats lists the files made
-- ("xlsx,csv"), location where they are kept (archive keys). summary is
-- the report's totals as JSON (report.Summary); snapshot is the compact
-- list of its open findings (report.Snapshot) that the next report of the
-- project compares with.
CREATE TABLE report_runs (
    id         {{id}},
    project    TEXT NOT NULL,
    at         BIGINT NOT NULL,
    formats    TEXT NOT NULL DEFAULT '',
    location   TEXT NOT NULL DEFAULT '',
    summary    TEXT NOT NULL DEFAULT '{}',
    snapshot   {{blob}},
    created_at BIGINT NOT NULL,
    UNIQUE (project, at)
);
