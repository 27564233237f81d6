package securityhub

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// StatusInProgress is the OCSF status_id BatchUpdateFindingsV2 sets for
// what ASFF calls Workflow NOTIFIED. The V2 status ids are 0 Unknown,
// 1 New, 2 In Progress, 3 Suppressed, 4 Resolved, 5 Archived, 99 Other;
// OCSF has no "notified". NOTIFIED means the owner was told and the issue
// is being worked on, which is "In Progress": not New (that is what
// Security Hub resets an unreviewed finding to), nor a closing status.
const StatusInProgress int32 = 2

// updateV2 sends one BatchUpdateFindingsV2 call for OCSF findings, named
// by metadata.uid, and records the findings it did not process in failed.
func (u *Updater) updateV2(ctx context.Context, g *group, chunk []*target, failed map[int64]error) error {
	in := &securityhub.BatchUpdateFindingsV2Input{MetadataUids: make([]string, len(chunk))}
	for i, t := range chunk {
		in.MetadataUids[i] = t.id
	}
	if u.opt.MarkNotified {
		in.StatusId = aws.Int32(StatusInProgress)
	}
	if g.note != "" {
		in.Comment = aws.String(g.note)
	}
	if in.StatusId == nil && in.Comment == nil {
		return nil
	}
	out, err := u.c.api.BatchUpdateFindingsV2(ctx, in)
	if err != nil {
		return fmt.Errorf("securityhub: BatchUpdateFindingsV2 of %d findings: %w", len(chunk), err)
	}
	var unknown *UnprocessedError
	for _, p := range out.UnprocessedFindings {
		id := aws.ToString(p.MetadataUid)
		e := &UnprocessedError{FindingID: id, Code: string(p.ErrorCode), Message: aws.ToString(p.ErrorMessage)}
		if !unprocessed(g.index[id], e, failed) {
			unknown = e
			continue
		}
		u.log.Warn("securityhub: finding not updated", slog.String("finding_id", id), slog.String("code", e.Code), slog.String("message", e.Message))
	}
	if unknown != nil {
		// An entry that names no finding of the request: which one failed
		// is unknown, so none counts as updated.
		markUnknown(chunk, unknown, failed)
	}
	u.log.Debug("securityhub: findings updated", slog.String("operation", "BatchUpdateFindingsV2"),
		slog.Int("findings", len(chunk)-len(out.UnprocessedFindings)), slog.Int("unprocessed", len(out.UnprocessedFindings)))
	return nil
}
