-- transitions carry what trends need, as it was at the time of the change:
-- the kind of change (new, updated, resolved, reopened, suppressed,
-- seen_closed), the finding's account, its severity label and its workflow
-- status. Rows written before this migration get the kind their states and
-- episode imply (resolved/suppressed from the finding's current workflow
-- when the row closed the current episode), and the finding's current
-- account and severity; their workflow stays unknown ('').
ALTER TABLE transitions ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE transitions ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE transitions ADD COLUMN severity_label TEXT NOT NULL DEFAULT '';
ALTER TABLE transitions ADD COLUMN workflow TEXT NOT NULL DEFAULT '';

UPDATE transitions SET
    account = COALESCE((SELECT f.account FROM findings f WHERE f.key = transitions.finding_key), ''),
    severity_label = COALESCE((SELECT f.severity_label FROM findings f WHERE f.key = transitions.finding_key), ''),
    kind = CASE
        WHEN to_state = 'open' AND episode > 1 THEN 'reopened'
        WHEN to_state = 'open' THEN 'new'
        WHEN from_state = 'unseen' THEN 'seen_closed'
        WHEN EXISTS (SELECT 1 FROM findings f WHERE f.key = transitions.finding_key
            AND f.episode = transitions.episode AND f.is_open = 0 AND UPPER(f.workflow) = 'SUPPRESSED') THEN 'suppressed'
        ELSE 'resolved' END;

-- Trends read every transition in time order, in pages.
CREATE INDEX transitions_at ON transitions (at, id);
