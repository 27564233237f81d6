package hubtest

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// actionTarget is a custom action target.
type actionTarget struct {
	seq         int64
	arn         string
	name        string
	description string
}

type actionTargetOut struct {
	ActionTargetArn string `json:"ActionTargetArn"`
	Name            string `json:"Name"`
	Description     string `json:"Description"`
}

type createActionTargetInput struct {
	Name        *string `json:"Name"`
	Description *string `json:"Description"`
	ID          *string `json:"Id"`
}

type actionTargetArnOutput struct {
	ActionTargetArn string `json:"ActionTargetArn"`
}

// actionTargetARN is the ARN Security Hub gives a custom action:
// arn:aws:securityhub:REGION:ACCOUNT:action/custom/ID.
func (s *Server) actionTargetARN(id string) string {
	return "arn:aws:securityhub:" + s.opts.Region + ":" + s.opts.AccountID + ":action/custom/" + id
}

// checkActionName checks a custom action name: "Can contain up to 20
// characters".
func checkActionName(op, name string) *apiError {
	if n := utf8.RuneCountInString(name); n < 1 || n > 20 {
		return invalidInput("%s: Name can contain 1 to 20 characters, got %d", op, n)
	}
	return nil
}

// createActionTarget answers CreateActionTarget (POST /actionTargets):
// Name (up to 20 characters), Description and Id ("up to 20 alphanumeric
// characters") are required; an Id already in use is a
// ResourceConflictException.
func (s *Server) createActionTarget(r *request) (any, *apiError) {
	const op = "CreateActionTarget"
	var in createActionTargetInput
	if e := decodeBody(r, &in); e != nil {
		return nil, e
	}
	for _, m := range []struct {
		name string
		v    *string
	}{{"Name", in.Name}, {"Description", in.Description}, {"Id", in.ID}} {
		if m.v == nil {
			return nil, invalidInput("%s: %s is required", op, m.name)
		}
	}
	if e := checkActionName(op, *in.Name); e != nil {
		return nil, e
	}
	if *in.Description == "" {
		return nil, invalidInput("%s: Description must not be empty", op)
	}
	id := *in.ID
	if n := utf8.RuneCountInString(id); n < 1 || n > 20 || strings.IndexFunc(id, notAlphanumeric) >= 0 {
		return nil, invalidInput("%s: Id can contain 1 to 20 alphanumeric characters, got %q", op, truncate(id, 40))
	}
	arn := s.actionTargetARN(id)
	if _, ok := s.state.actions[arn]; ok {
		return nil, errorf(http.StatusConflict, codeResourceConflict, "%s: the custom action %s already exists", op, arn)
	}
	s.state.actions[arn] = &actionTarget{seq: s.state.nextSeq(), arn: arn, name: *in.Name, description: *in.Description}
	return actionTargetArnOutput{ActionTargetArn: arn}, nil
}

func notAlphanumeric(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}

type describeActionTargetsInput struct {
	ActionTargetArns []string `json:"ActionTargetArns"`
	MaxResults       *number  `json:"MaxResults"`
	NextToken        *string  `json:"NextToken"`
}

type describeActionTargetsOutput struct {
	ActionTargets []actionTargetOut `json:"ActionTargets"`
	NextToken     string            `json:"NextToken,omitempty"`
}

// describeActionTargets answers DescribeActionTargets (POST
// /actionTargets/get): the given ARNs (each must exist, else
// ResourceNotFoundException) or all custom actions in creation order,
// MaxResults 1 to 100 (default 100) per page.
func (s *Server) describeActionTargets(r *request) (any, *apiError) {
	const op = "DescribeActionTargets"
	var in describeActionTargetsInput
	if e := decodeBody(r, &in); e != nil {
		return nil, e
	}
	size, e := maxResults(op, in.MaxResults, 100, 100)
	if e != nil {
		return nil, e
	}
	var list []*actionTarget
	if len(in.ActionTargetArns) > 0 {
		var missing []string
		for _, arn := range in.ActionTargetArns {
			a, ok := s.state.actions[arn]
			if !ok {
				missing = append(missing, arn)
				continue
			}
			if !slices.Contains(list, a) {
				list = append(list, a)
			}
		}
		if len(missing) > 0 {
			return nil, notFound("%s: no custom action %s", op, strings.Join(missing, ", "))
		}
	} else {
		for _, a := range s.state.actions {
			list = append(list, a)
		}
		slices.SortFunc(list, func(a, b *actionTarget) int { return compareInt64(a.seq, b.seq) })
	}
	fp := fingerprint([]byte(strings.Join(in.ActionTargetArns, "\x00")))
	offset, ok := decodeToken(in.NextToken, op, fp)
	if !ok {
		return nil, invalidInput("%s: the NextToken is invalid", op)
	}
	from, to, next := page(op, fp, offset, size, len(list))
	out := describeActionTargetsOutput{ActionTargets: []actionTargetOut{}, NextToken: next}
	for _, a := range list[from:to] {
		out.ActionTargets = append(out.ActionTargets, actionTargetOut{ActionTargetArn: a.arn, Name: a.name, Description: a.description})
	}
	return out, nil
}

type updateActionTargetInput struct {
	Name        *string `json:"Name"`
	Description *string `json:"Description"`
}

// updateActionTarget answers UpdateActionTarget (PATCH
// /actionTargets/{ActionTargetArn+}): a new Name and/or Description.
func (s *Server) updateActionTarget(r *request) (any, *apiError) {
	const op = "UpdateActionTarget"
	var in updateActionTargetInput
	if e := decodeBody(r, &in); e != nil {
		return nil, e
	}
	arn := r.labels["ActionTargetArn"]
	a, ok := s.state.actions[arn]
	if !ok {
		return nil, notFound("%s: no custom action %s", op, arn)
	}
	if in.Name != nil {
		if e := checkActionName(op, *in.Name); e != nil {
			return nil, e
		}
	}
	if in.Description != nil && *in.Description == "" {
		return nil, invalidInput("%s: Description must not be empty", op)
	}
	if in.Name != nil {
		a.name = *in.Name
	}
	if in.Description != nil {
		a.description = *in.Description
	}
	return struct{}{}, nil
}

// deleteActionTarget answers DeleteActionTarget (DELETE
// /actionTargets/{ActionTargetArn+}).
func (s *Server) deleteActionTarget(r *request) (any, *apiError) {
	const op = "DeleteActionTarget"
	arn := r.labels["ActionTargetArn"]
	if _, ok := s.state.actions[arn]; !ok {
		return nil, notFound("%s: no custom action %s", op, arn)
	}
	delete(s.state.actions, arn)
	return actionTargetArnOutput{ActionTargetArn: arn}, nil
}
