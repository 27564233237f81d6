package config

import (
	"strings"
	"testing"
)

func TestSecurityHubOptions(t *testing.T) {
	tests := []struct {
		name               string
		sh                 string // the securityhub: line, "" for none
		note, fields, mark bool
		actions            []ActionTarget
	}{
		{name: "no securityhub key: note and ticket fields on", note: true, fields: true},
		{name: "empty securityhub", sh: "securityhub: {}\n", note: true, fields: true},
		{name: "all off", sh: "securityhub: {note: false, ticket_fields: false}\n"},
		{name: "mark notified, note only", sh: "securityhub: {mark_notified: true, ticket_fields: false}\n", note: true, mark: true},
		{
			name: "actions",
			sh: "securityhub:\n  actions:\n    - {id: SendToBacklog, name: Send to Backlog, description: Open a Backlog issue for the finding}\n" +
				"    - id: Page01\n      name: 通知する\n      description: " + strings.Repeat("d", 256) + "\n",
			note: true, fields: true,
			actions: []ActionTarget{
				{ID: "SendToBacklog", Name: "Send to Backlog", Description: "Open a Backlog issue for the finding", Pos: Position{File: "t.yaml", Line: 3, Column: 7}},
				{ID: "Page01", Name: "通知する", Description: strings.Repeat("d", 256), Pos: Position{File: "t.yaml", Line: 4, Column: 7}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, tt.sh+pollRoutes)
			sh := cfg.SecurityHub
			if sh.Note != tt.note || sh.TicketFields != tt.fields || sh.MarkNotified != tt.mark {
				t.Errorf("note, ticket_fields, mark_notified = %v, %v, %v; want %v, %v, %v", sh.Note, sh.TicketFields, sh.MarkNotified, tt.note, tt.fields, tt.mark)
			}
			if len(sh.Actions) != len(tt.actions) {
				t.Fatalf("Actions = %+v, want %+v", sh.Actions, tt.actions)
			}
			for i, a := range sh.Actions {
				if *a != tt.actions[i] {
					t.Errorf("Actions[%d] = %+v, want %+v", i, *a, tt.actions[i])
				}
			}
		})
	}
}

func TestSecurityHubOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "note and ticket_fields are booleans",
			src:  "securityhub: {note: yes, ticket_fields: 1}\n",
			want: []string{
				`t.yaml:1:21: securityhub.note: want true or false, got a string`,
				`t.yaml:1:41: securityhub.ticket_fields: want true or false, got a number`,
			},
		},
		{
			name: "action limits",
			src: "securityhub:\n  actions:\n    - {id: Send-To-Backlog, name: Send to the Backlog space, description: x}\n" +
				"    - {id: ABCDEFGHIJKLMNOPQRSTU, name: n, description: " + strings.Repeat("d", 257) + "}\n",
			want: []string{
				`t.yaml:3:12: securityhub.actions[0].id: "Send-To-Backlog": use 1 to 20 letters and digits (A-Z, a-z, 0-9)`,
				`t.yaml:3:35: securityhub.actions[0].name: 25 characters; at most 20`,
				`t.yaml:4:12: securityhub.actions[1].id: "ABCDEFGHIJKLMNOPQRSTU": use 1 to 20 letters and digits (A-Z, a-z, 0-9)`,
				`t.yaml:4:57: securityhub.actions[1].description: 257 characters; at most 256`,
			},
		},
		{
			name: "missing keys, duplicate id, unknown key",
			src: "securityhub:\n  actions:\n    - {id: A1, name: a}\n    - {id: A1, name: b, description: c}\n" +
				"    - {id: A2, name: c, description: d, arn: x}\n    -\n",
			want: []string{
				`t.yaml:3:7: securityhub.actions[0]: missing required key "description"`,
				`t.yaml:4:7: securityhub.actions[1].id: "A1" is already defined at line 3`,
				`t.yaml:5:41: securityhub.actions[2]: unknown key "arn"`,
				`t.yaml:6:6: securityhub.actions[3]: empty custom action`,
			},
		},
		{
			name: "actions not a list",
			src:  "securityhub: {actions: {id: A1}}\n",
			want: []string{`t.yaml:1:24: securityhub.actions: want a list of custom actions (- id: ...), got a mapping`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, parseErrors(t, tt.src+pollRoutes), tt.want)
		})
	}
}
