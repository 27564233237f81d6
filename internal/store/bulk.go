package store

import (
	"context"
	"database/sql"
	"strings"
)

// bulkChunks are the row counts of one multi-row statement, largest first:
// a batch is cut into these sizes so that only a few statement shapes exist
// (and stay prepared), and no statement nears a parameter limit.
var bulkChunks = []int{64, 16, 4, 1}

// bulk runs head + "VALUES (?, …), …" + tail for rows, in chunks. Every row
// has the same number of values. When scan is set the statement returns
// rows (a RETURNING tail) and scan reads each.
func (s *Store) bulk(ctx context.Context, q querier, head, tail string, rows [][]any, scan func(*sql.Rows) error) error {
	for len(rows) > 0 {
		n := bulkChunks[len(bulkChunks)-1]
		for _, c := range bulkChunks {
			if c <= len(rows) {
				n = c
				break
			}
		}
		chunk := rows[:n]
		rows = rows[n:]
		tuple := "(" + placeholders(len(chunk[0])) + ")"
		values := strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
		args := make([]any, 0, n*len(chunk[0]))
		for _, r := range chunk {
			args = append(args, r...)
		}
		query := head + " VALUES " + values + " " + tail
		if scan == nil {
			if _, err := s.exec(ctx, q, query, args...); err != nil {
				return err
			}
			continue
		}
		if err := s.scanAll(ctx, q, query, args, scan); err != nil {
			return err
		}
	}
	return nil
}

// scanAll runs query and calls scan for each row.
func (s *Store) scanAll(ctx context.Context, q querier, query string, args []any, scan func(*sql.Rows) error) error {
	rs, err := s.query(ctx, q, query, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := scan(rs); err != nil {
			return err
		}
	}
	return rs.Err()
}
