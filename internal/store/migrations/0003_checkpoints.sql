-- checkpoints: named resume points of pollers (the UpdatedAt up to which a
-- GetFindings query has been read and committed). at and updated_at are
-- unix milliseconds (UTC).
CREATE TABLE checkpoints (
    name       TEXT PRIMARY KEY,
    at         BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
