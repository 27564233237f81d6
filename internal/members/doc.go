// Package members watches the member accounts of the Security Hub
// administrator account (seed 004) and tells people when one joins,
// leaves or changes status.
//
// A check reads ListMembers (OnlyAssociated=false, every page, every
// status), keeps the result as a snapshot in the store, and compares it
// with the previous announced snapshot (Diff): new accounts, accounts that
// joined (→ Enabled), accounts that left (→ Resigned, Removed, Deleted,
// AccountSuspended, or gone from the list), other status changes, and
// accounts whose status is the same but whose membership was updated
// since (UpdatedAt moved: left and rejoined between two checks, which
// seed 004 cannot see). The daily message (DailyNotice) lists the changes
// grouped by new status, then every account currently outside Security
// Hub management, every time until it is back, then the CloudTrail leaves
// recorded since the last check and, optionally, the AWS Organizations
// accounts that are not members.
//
// Leaves are also told within minutes: HandleEvent takes the EventBridge
// "AWS API Call via CloudTrail" events of DisassociateFromAdministratorAccount,
// DisassociateFromMasterAccount, DisassociateMembers and DeleteMembers that
// arrive through the normal sources, records them and enqueues an alert
// (LeaveNotice) keyed on the CloudTrail event ID, so a replay is not told
// twice.
//
// The package composes notify.Notice values in Japanese or English; the
// destinations lay them out. Everything it sends goes through the store's
// notice queue with an idempotency key, so a repeated run or a second
// replica never sends a message twice.
package members
