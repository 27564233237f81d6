-- Member monitoring: every check of the Security Hub member accounts
-- (ListMembers, OnlyAssociated=false) and the CloudTrail events that say a
-- member left. Times are unix milliseconds (UTC); 0 means unknown.

-- member_snapshots: one row per check. run_key names the run (a scheduled
-- slot, a one-off run), so a run that is repeated stores its snapshot once.
-- kind: scheduled, manual (a one-off run that notified) or check (a
-- one-off run that only printed). announced_at is when the run's changes
-- were committed to the notice queue (0: not yet, or never for a check);
-- diffs are taken against the latest announced snapshot, so a run that
-- failed before announcing loses nothing.
CREATE TABLE member_snapshots (
    id           {{id}},
    run_key      TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    taken_at     BIGINT NOT NULL,
    members      INTEGER NOT NULL,
    announced_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX member_snapshots_taken ON member_snapshots (taken_at, id);

-- member_snapshot_accounts: the member accounts of one snapshot.
CREATE TABLE member_snapshot_accounts (
    snapshot_id      BIGINT NOT NULL REFERENCES member_snapshots (id) ON DELETE CASCADE,
    account_id       TEXT NOT NULL,
    status           TEXT NOT NULL,
    email            TEXT NOT NULL,
    administrator_id TEXT NOT NULL,
    invited_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (snapshot_id, account_id)
);

-- member_events: member accounts leaving Security Hub as CloudTrail
-- recorded it (DisassociateFromAdministratorAccount and the others), one
-- row per event and account. A replayed event is stored once.
CREATE TABLE member_events (
    event_id       TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    event_name     TEXT NOT NULL,
    event_time     BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    caller_account TEXT NOT NULL,
    region         TEXT NOT NULL,
    received_at    BIGINT NOT NULL,
    PRIMARY KEY (event_id, account_id)
);
CREATE INDEX member_events_time ON member_events (event_time);
