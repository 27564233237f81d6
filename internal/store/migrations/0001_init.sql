-- hubrelay store schema. One file for SQLite and PostgreSQL: {{id}} and
-- {{blob}} are replaced per dialect. Times are unix milliseconds (UTC);
-- booleans are INTEGER 0/1.

CREATE TABLE findings (
    key                 TEXT PRIMARY KEY,
    id                  TEXT NOT NULL,
    product_arn         TEXT NOT NULL,
    account             TEXT NOT NULL DEFAULT '',
    region              TEXT NOT NULL DEFAULT '',
    product_name        TEXT NOT NULL DEFAULT '',
    title               TEXT NOT NULL DEFAULT '',
    severity_label      TEXT NOT NULL DEFAULT '',
    severity_normalized INTEGER NOT NULL DEFAULT 0,
    workflow            TEXT NOT NULL DEFAULT '',
    record_state        TEXT NOT NULL DEFAULT '',
    compliance          TEXT NOT NULL DEFAULT '',
    updated_at          BIGINT,
    episode             INTEGER NOT NULL DEFAULT 0,
    is_open             INTEGER NOT NULL DEFAULT 0,
    first_seen          BIGINT NOT NULL,
    last_seen           BIGINT NOT NULL,
    mark_notified       INTEGER NOT NULL DEFAULT 0,
    event_id            BIGINT,
    event_hash          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX findings_open ON findings (is_open, episode);

CREATE TABLE events (
    id          {{id}},
    finding_key TEXT NOT NULL,
    body        {{blob}} NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX events_finding ON events (finding_key, id);

CREATE TABLE transitions (
    id          {{id}},
    finding_key TEXT NOT NULL,
    episode     INTEGER NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    at          BIGINT NOT NULL,
    source      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transitions_finding ON transitions (finding_key, id);

CREATE TABLE suppression_hits (
    id          {{id}},
    suppression TEXT NOT NULL,
    finding_key TEXT NOT NULL,
    episode     INTEGER NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX suppression_hits_name ON suppression_hits (suppression, at);
CREATE INDEX suppression_hits_finding ON suppression_hits (finding_key, id);

CREATE TABLE deliveries (
    id                  {{id}},
    key                 TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL,
    phase               TEXT NOT NULL,
    finding_key         TEXT,
    finding_id          TEXT NOT NULL DEFAULT '',
    event_id            BIGINT REFERENCES events (id),
    route               TEXT NOT NULL,
    destination         TEXT NOT NULL,
    episode             INTEGER NOT NULL DEFAULT 0,
    grouped             INTEGER NOT NULL DEFAULT 0,
    group_key           TEXT NOT NULL DEFAULT '',
    digest_id           BIGINT REFERENCES deliveries (id),
    severity_label      TEXT NOT NULL DEFAULT '',
    severity_normalized INTEGER NOT NULL DEFAULT 0,
    status              TEXT NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_at             BIGINT NOT NULL,
    lease_owner         TEXT,
    lease_until         BIGINT,
    last_error          TEXT NOT NULL DEFAULT '',
    receipt_id          TEXT NOT NULL DEFAULT '',
    receipt_url         TEXT NOT NULL DEFAULT '',
    receipt_channel     TEXT NOT NULL DEFAULT '',
    receipt_thread      TEXT NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    delivered_at        BIGINT
);
CREATE INDEX deliveries_due ON deliveries (next_at, id) WHERE status = 'pending';
CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'sending';
CREATE INDEX deliveries_finding ON deliveries (finding_key, episode, route, destination);
CREATE INDEX deliveries_group ON deliveries (route, destination, group_key, id) WHERE status = 'grouped';
CREATE INDEX deliveries_digest ON deliveries (digest_id) WHERE digest_id IS NOT NULL;
CREATE INDEX deliveries_digests ON deliveries (route, destination, group_key, id) WHERE kind = 'digest';
CREATE INDEX deliveries_status ON deliveries (status, id);
CREATE INDEX deliveries_remind ON deliveries (route, status) WHERE phase = 'open' AND grouped = 0;

CREATE TABLE delivery_attempts (
    id          {{id}},
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
    attempt     INTEGER NOT NULL,
    at          BIGINT NOT NULL,
    outcome     TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

CREATE TABLE delivery_groups (
    route         TEXT NOT NULL,
    destination   TEXT NOT NULL,
    group_key     TEXT NOT NULL,
    wait_ms       BIGINT NOT NULL,
    interval_ms   BIGINT NOT NULL,
    max_events    INTEGER NOT NULL,
    next_flush_at BIGINT,
    last_flush_at BIGINT,
    flush_seq     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (route, destination, group_key)
);
CREATE INDEX delivery_groups_due ON delivery_groups (next_flush_at) WHERE next_flush_at IS NOT NULL;

CREATE TABLE tickets (
    finding_key     TEXT NOT NULL,
    destination     TEXT NOT NULL,
    episode         INTEGER NOT NULL,
    receipt_id      TEXT NOT NULL DEFAULT '',
    receipt_url     TEXT NOT NULL DEFAULT '',
    receipt_channel TEXT NOT NULL DEFAULT '',
    receipt_thread  TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (finding_key, destination)
);

CREATE TABLE rate_slots (
    key       TEXT PRIMARY KEY,
    next_free BIGINT NOT NULL
);

CREATE TABLE feedback (
    id          {{id}},
    finding_key TEXT NOT NULL,
    finding_id  TEXT NOT NULL,
    product_arn TEXT NOT NULL,
    episode     INTEGER NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    done_at     BIGINT,
    UNIQUE (finding_key, episode)
);
CREATE INDEX feedback_due ON feedback (next_at, id) WHERE status = 'pending';
CREATE INDEX feedback_leased ON feedback (lease_until) WHERE status = 'sending';
