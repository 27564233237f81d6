-- schedule_runs: one row per scheduled job run, claimed by one replica.
-- slot is the scheduled time the run is for (unix milliseconds, UTC);
-- status is running, ok, failed or expired (the replica running it stopped
-- renewing its lease and a later run of the job took over). A running row
-- belongs to owner until lease_until; the owner renews the lease while the
-- job runs. attempts counts the claims (more than 1: a crashed run was
-- taken over).
CREATE TABLE schedule_runs (
    job         TEXT NOT NULL,
    slot        BIGINT NOT NULL,
    owner       TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 1,
    started_at  BIGINT NOT NULL,
    lease_until BIGINT NOT NULL,
    finished_at BIGINT,
    error       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job, slot)
);
CREATE INDEX schedule_runs_running ON schedule_runs (job, lease_until) WHERE status = 'running';
