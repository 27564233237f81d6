package hubtest

import (
	"strconv"
	"strings"
	"time"
)

// Member is a member account of the administrator account, as ListMembers
// reports it.
type Member struct {
	// AccountID is the member's 12-digit account ID; it identifies the
	// member (AddMembers with a known ID replaces it).
	AccountID string
	Email     string
	// MemberStatus is the relationship status: Created, Invited, Enabled,
	// Removed, Resigned, Deleted or AccountSuspended (the documented
	// values; others are passed through). Default "Enabled" when
	// Associated, else "Created".
	MemberStatus string
	// UpdatedAt is when the member was last updated; zero omits it.
	UpdatedAt time.Time
	// InvitedAt is when the invitation was sent; zero omits it.
	InvitedAt time.Time
	// Associated marks a member whose relationship with the administrator
	// is enabled. ListMembers with OnlyAssociated (the default) lists
	// members that are Associated or whose MemberStatus is "Enabled".
	Associated bool
}

// associated reports whether ListMembers with OnlyAssociated lists m.
func (m Member) associated() bool {
	return m.Associated || strings.EqualFold(m.MemberStatus, "Enabled")
}

// AddMembers adds member accounts, or replaces those with the same
// AccountID. Safe for concurrent use.
func (s *Server) AddMembers(m ...Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, mem := range m {
		if mem.MemberStatus == "" {
			mem.MemberStatus = "Created"
			if mem.Associated {
				mem.MemberStatus = "Enabled"
			}
		}
		s.state.members[mem.AccountID] = mem
	}
}

// memberOut is a Member as ListMembers writes it.
type memberOut struct {
	AccountID       string `json:"AccountId"`
	Email           string `json:"Email,omitempty"`
	AdministratorID string `json:"AdministratorId"`
	MasterID        string `json:"MasterId"`
	MemberStatus    string `json:"MemberStatus"`
	InvitedAt       string `json:"InvitedAt,omitempty"`
	UpdatedAt       string `json:"UpdatedAt,omitempty"`
}

type listMembersOutput struct {
	Members   []memberOut `json:"Members"`
	NextToken string      `json:"NextToken,omitempty"`
}

// listMembers answers ListMembers (GET /members?MaxResults&NextToken&
// OnlyAssociated): members ordered by account ID, MaxResults 1 to 50
// (default 50), OnlyAssociated default true ("the response includes member
// accounts whose relationship status with the administrator account is
// set to ENABLED").
func (s *Server) listMembers(r *request) (any, *apiError) {
	const op = "ListMembers"
	size := 50
	if v, ok := r.query["MaxResults"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > 50 {
			return nil, invalidInput("%s: MaxResults must be an integer from 1 to 50, got %q", op, v[0])
		}
		size = n
	}
	only := true
	if v, ok := r.query["OnlyAssociated"]; ok {
		b, err := strconv.ParseBool(v[0])
		if err != nil {
			return nil, invalidInput("%s: OnlyAssociated must be true or false, got %q", op, v[0])
		}
		only = b
	}
	var token *string
	if v, ok := r.query["NextToken"]; ok {
		token = &v[0]
	}
	fp := fingerprint([]byte(strconv.FormatBool(only)))
	offset, ok := decodeToken(token, op, fp)
	if !ok {
		return nil, invalidInput("%s: the NextToken is invalid", op)
	}
	var list []memberOut
	for _, id := range sortedKeys(s.state.members) {
		m := s.state.members[id]
		if only && !m.associated() {
			continue
		}
		out := memberOut{
			AccountID:       m.AccountID,
			Email:           m.Email,
			AdministratorID: s.opts.AccountID,
			MasterID:        s.opts.AccountID,
			MemberStatus:    m.MemberStatus,
		}
		if !m.InvitedAt.IsZero() {
			out.InvitedAt = formatTimestamp(m.InvitedAt)
		}
		if !m.UpdatedAt.IsZero() {
			out.UpdatedAt = formatTimestamp(m.UpdatedAt)
		}
		list = append(list, out)
	}
	from, to, next := page(op, fp, offset, size, len(list))
	return listMembersOutput{Members: append([]memberOut{}, list[from:to]...), NextToken: next}, nil
}
