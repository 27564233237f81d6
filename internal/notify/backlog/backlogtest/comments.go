package backlogtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// addComment is Add Comment (POST /api/v2/issues/:issueIdOrKey/comments):
// it validates the form and returns the write that adds the comment.
func (s *Server) addComment(r *request) (write, *apiError) {
	f := &form{v: r.form}
	f.checkNames(addCommentParams, false)
	content := f.text("content", maxComment, "The Comment must be no longer than 50,000.")
	if strings.TrimSpace(content) == "" {
		f.errorf("content: is required")
	}
	notified := f.ids("notifiedUserId[]")
	f.ids("attachmentId[]")
	if len(f.errs) > 0 {
		return nil, invalid(f.errs)
	}
	if s.lookup(r.key) == nil {
		return nil, noIssue()
	}
	return func() answer {
		s.mu.Lock()
		defer s.mu.Unlock()
		is := s.find(r.key)
		c := s.newComment(is, content, notified, r)
		is.Updated = r.at
		s.touch(is)
		return answer{status: http.StatusCreated, body: s.commentJSON(c)}
	}, nil
}

// listComments is Get Comment List (GET
// /api/v2/issues/:issueIdOrKey/comments): minId, maxId, order ("desc" by
// default) and count (1–100, default 20).
func (s *Server) listComments(r *request) answer {
	q := &form{v: r.query}
	bound := func(k string) int {
		v := q.v.Get(k)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			q.errorf("%s: %q is not a positive ID", k, clip(v))
		}
		return n
	}
	minID, maxID := bound("minId"), bound("maxId")
	_, desc, _, count := listOptions(q, nil)
	if len(q.errs) > 0 {
		return invalid(q.errs).answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.find(r.key)
	if is == nil {
		return noIssue().answer()
	}
	var out []*Comment
	for _, c := range s.comments[is.ID] {
		if (minID == 0 || c.ID >= minID) && (maxID == 0 || c.ID <= maxID) {
			out = append(out, c)
		}
	}
	if desc {
		slices.Reverse(out)
	}
	out = page(out, 0, count)
	body := make([]commentJSON, len(out))
	for i, c := range out {
		body[i] = s.commentJSON(c)
	}
	return answer{status: http.StatusOK, body: body}
}

// newComment adds a comment to is. The caller holds s.mu.
func (s *Server) newComment(is *Issue, content string, notified []int, r *request) *Comment {
	s.nextComment++
	c := &Comment{ID: 5000 + s.nextComment, IssueKey: is.Key, Content: content, NotifiedUserIDs: notified, Created: r.at}
	s.comments[is.ID] = append(s.comments[is.ID], c)
	return c
}
