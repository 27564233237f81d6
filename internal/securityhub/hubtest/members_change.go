package hubtest

import (
	"strings"
	"time"
)

// SetMemberStatus changes the relationship status of the member accountID,
// as the service does when a member accepts the invitation ("Enabled"),
// disassociates itself ("Resigned"), is disassociated by the administrator
// ("Removed") or is suspended ("AccountSuspended"). UpdatedAt becomes at,
// or the server's clock when at is zero; Associated follows the status
// (true only for "Enabled"), so ListMembers with OnlyAssociated sees the
// change too. It reports false, changing nothing, when there is no such
// member. Tests call it between two ListMembers runs to play membership
// changes. Safe for concurrent use.
func (s *Server) SetMemberStatus(accountID, status string, at time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.state.members[accountID]
	if !ok {
		return false
	}
	if at.IsZero() {
		at = s.now()
	}
	m.MemberStatus = status
	m.Associated = strings.EqualFold(status, "Enabled")
	m.UpdatedAt = at
	s.state.members[accountID] = m
	return true
}

// RemoveMembers deletes the members with these account IDs, as the
// administrator's DeleteMembers does: ListMembers no longer lists them.
// IDs that are not members are ignored. It returns how many members were
// removed. Safe for concurrent use.
func (s *Server) RemoveMembers(accountIDs ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, id := range accountIDs {
		if _, ok := s.state.members[id]; ok {
			delete(s.state.members, id)
			n++
		}
	}
	return n
}
