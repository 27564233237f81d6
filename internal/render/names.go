package render

import "strings"

// details labels the non-empty values and joins them with " / ".
func details(lang Language, account, region, product string) string {
	var parts []string
	for _, p := range []struct {
		key   MessageKey
		value string
	}{{MsgAccount, account}, {MsgRegion, region}, {MsgProduct, product}} {
		if p.value != "" {
			parts = append(parts, Translate(lang, p.key)+": "+p.value)
		}
	}
	return strings.Join(parts, " / ")
}

// complianceName, workflowName and recordStateName show a status as the
// Security Hub console does, in lang; unknown values are returned as they are.
func complianceName(lang Language, status string) string {
	switch status {
	case "PASSED":
		return Translate(lang, MsgCompliancePassed)
	case "FAILED":
		return Translate(lang, MsgComplianceFailed)
	case "WARNING":
		return Translate(lang, MsgComplianceWarning)
	case "NOT_AVAILABLE":
		return Translate(lang, MsgComplianceNotAvailable)
	}
	return status
}

func workflowName(lang Language, status string) string {
	switch status {
	case "NEW":
		return Translate(lang, MsgWorkflowNew)
	case "NOTIFIED":
		return Translate(lang, MsgWorkflowNotified)
	case "RESOLVED":
		return Translate(lang, MsgWorkflowResolved)
	case "SUPPRESSED":
		return Translate(lang, MsgWorkflowSuppressed)
	}
	return status
}

func recordStateName(lang Language, state string) string {
	switch state {
	case "ACTIVE":
		return Translate(lang, MsgRecordActive)
	case "ARCHIVED":
		return Translate(lang, MsgRecordArchived)
	}
	return state
}
