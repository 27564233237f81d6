package securityhub

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// update sends one BatchUpdateFindings call for ASFF findings and records
// the findings it did not process in failed.
func (u *Updater) update(ctx context.Context, g *group, chunk []*target, failed map[int64]error) error {
	in := &securityhub.BatchUpdateFindingsInput{FindingIdentifiers: make([]types.AwsSecurityFindingIdentifier, len(chunk))}
	for i, t := range chunk {
		in.FindingIdentifiers[i] = types.AwsSecurityFindingIdentifier{Id: aws.String(t.id), ProductArn: aws.String(t.productARN)}
	}
	if u.opt.MarkNotified {
		in.Workflow = &types.WorkflowUpdate{Status: types.WorkflowStatusNotified}
	}
	if g.note != "" {
		in.Note = &types.NoteUpdate{Text: aws.String(g.note), UpdatedBy: aws.String(NoteBy)}
	}
	if len(g.fields) > 0 {
		in.UserDefinedFields = g.fields
	}
	if in.Workflow == nil && in.Note == nil && in.UserDefinedFields == nil {
		return nil // nothing to write on these findings
	}
	out, err := u.c.api.BatchUpdateFindings(ctx, in)
	if err != nil {
		return fmt.Errorf("securityhub: BatchUpdateFindings of %d findings: %w", len(chunk), err)
	}
	var unknown *UnprocessedError
	for _, p := range out.UnprocessedFindings {
		var id, arn string
		if p.FindingIdentifier != nil {
			id, arn = aws.ToString(p.FindingIdentifier.Id), aws.ToString(p.FindingIdentifier.ProductArn)
		}
		e := &UnprocessedError{FindingID: id, ProductARN: arn, Code: aws.ToString(p.ErrorCode), Message: aws.ToString(p.ErrorMessage)}
		if !unprocessed(g.index[arn+"|"+id], e, failed) {
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
	u.log.Debug("securityhub: findings updated", slog.String("operation", "BatchUpdateFindings"),
		slog.Int("findings", len(chunk)-len(out.UnprocessedFindings)), slog.Int("unprocessed", len(out.UnprocessedFindings)))
	return nil
}
