-- Claim and ClaimFeedback lease the first due rows in (next_at, id) order,
-- where due is pending with next_at <= now, or sending with an expired
-- lease. With one partial index per status (deliveries_due and
-- deliveries_leased, feedback_due and feedback_leased) no index read the
-- rows of both statuses in that order, so every claim collected all due
-- rows and sorted them to keep the first few (SQLite went through
-- deliveries_status, PostgreSQL scanned the table): a claim cost grew with
-- the backlog. One index over both statuses in claim order lets a claim
-- stop after LIMIT rows. It replaces the per-status indexes, which nothing
-- else reads.
CREATE INDEX deliveries_claim ON deliveries (next_at, id) WHERE status IN ('pending', 'sending');
CREATE INDEX feedback_claim ON feedback (next_at, id) WHERE status IN ('pending', 'sending');
DROP INDEX deliveries_due;
DROP INDEX deliveries_leased;
DROP INDEX feedback_due;
DROP INDEX feedback_leased;
