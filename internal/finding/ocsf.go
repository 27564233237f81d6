package finding

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ocsfFinding holds the OCSF attributes Finding is built from (field map in
// testdata/ocsf/NOTES.md); every other attribute stays in Raw.
type ocsfFinding struct {
	ActivityID   *int   `json:"activity_id"`
	ActivityName string `json:"activity_name"`
	Cloud        struct {
		Account struct {
			UID string `json:"uid"`
		} `json:"account"`
		Region    string `json:"region"`
		Partition string `json:"cloud_partition"`
	} `json:"cloud"`
	Compliance *struct {
		Control      string   `json:"control"`
		Standards    []string `json:"standards"`
		Requirements []string `json:"requirements"`
		Status       string   `json:"status"`
		StatusID     *int     `json:"status_id"`
	} `json:"compliance"`
	FindingInfo struct {
		UID      string   `json:"uid"`
		Title    string   `json:"title"`
		Desc     string   `json:"desc"`
		Types    []string `json:"types"`
		Analytic struct {
			UID string `json:"uid"`
		} `json:"analytic"`
		CreatedTime     *float64 `json:"created_time"`
		CreatedTimeDT   string   `json:"created_time_dt"`
		ModifiedTime    *float64 `json:"modified_time"`
		ModifiedTimeDT  string   `json:"modified_time_dt"`
		FirstSeenTime   *float64 `json:"first_seen_time"`
		FirstSeenTimeDT string   `json:"first_seen_time_dt"`
		LastSeenTime    *float64 `json:"last_seen_time"`
		LastSeenTimeDT  string   `json:"last_seen_time_dt"`
	} `json:"finding_info"`
	Metadata struct {
		UID     string `json:"uid"`
		Product struct {
			UID        string `json:"uid"`
			Name       string `json:"name"`
			VendorName string `json:"vendor_name"`
		} `json:"product"`
	} `json:"metadata"`
	Remediation struct {
		Desc       string   `json:"desc"`
		References []string `json:"references"`
	} `json:"remediation"`
	Resources []struct {
		Type      string `json:"type"`
		UID       string `json:"uid"`
		UIDAlt    string `json:"uid_alt"`
		Region    string `json:"region"`
		Partition string `json:"cloud_partition"`
		Tags      []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"tags"`
	} `json:"resources"`
	Severity   string   `json:"severity"`
	SeverityID *int     `json:"severity_id"`
	Status     string   `json:"status"`
	StatusID   *int     `json:"status_id"`
	Time       *float64 `json:"time"`
	TimeDT     string   `json:"time_dt"`
}

// ocsfActivityClose is the activity_id of a finding Security Hub treats as closed.
const ocsfActivityClose = 3

// maxEpochMillis bounds epoch-millisecond times to the years 0000–9999.
const maxEpochMillis = 253402300799999

// decodeOCSF normalizes one OCSF finding. raw must be a valid JSON object.
// It also returns how Security Hub names the finding in an event's resources
// (metadata.uid).
func decodeOCSF(raw []byte) (*Finding, string, *fieldError) {
	var o ocsfFinding
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, "", describeUnmarshalError(raw, err)
	}
	id := firstNonEmpty(o.Metadata.UID, o.FindingInfo.UID)
	if id == "" {
		return nil, "", &fieldError{off: -1, msg: "metadata.uid and finding_info.uid are both missing or empty (an OCSF finding needs one)"}
	}
	f := &Finding{
		ID:          id,
		ProviderID:  o.FindingInfo.UID,
		ProductARN:  o.Metadata.Product.UID,
		ProductName: o.Metadata.Product.Name,
		CompanyName: o.Metadata.Product.VendorName,
		GeneratorID: o.FindingInfo.Analytic.UID,
		AccountID:   o.Cloud.Account.UID,
		Region:      firstNonEmpty(o.Cloud.Region, arnRegion(o.Metadata.Product.UID)),
		Title:       o.FindingInfo.Title,
		Description: o.FindingInfo.Desc,
		Types:       o.FindingInfo.Types,
		Workflow:    ocsfWorkflow(o.Status, o.StatusID),
		RecordState: "ACTIVE",
		Remediation: Remediation{Text: o.Remediation.Desc},
		Format:      FormatOCSF,
		Raw:         json.RawMessage(raw),
	}
	if (o.ActivityID != nil && *o.ActivityID == ocsfActivityClose) || strings.EqualFold(o.ActivityName, "Close") {
		f.RecordState = "ARCHIVED"
	}
	var sevID int
	if o.SeverityID != nil {
		sevID = *o.SeverityID
	}
	f.Severity = ocsfSeverity(sevID, o.Severity)
	if len(o.Remediation.References) > 0 {
		f.Remediation.URL = o.Remediation.References[0]
	}
	if c := o.Compliance; c != nil {
		f.Compliance = Compliance{
			Status:              ocsfComplianceStatus(c.Status, c.StatusID),
			SecurityControlID:   c.Control,
			Standards:           c.Standards,
			RelatedRequirements: c.Requirements,
		}
		if f.GeneratorID == "" {
			f.GeneratorID = c.Control
		}
	}
	for _, r := range o.Resources {
		res := Resource{
			Type:      r.Type,
			ID:        firstNonEmpty(r.UID, r.UIDAlt),
			Partition: firstNonEmpty(r.Partition, o.Cloud.Partition),
			Region:    r.Region,
		}
		if len(r.Tags) > 0 {
			res.Tags = make(map[string]string, len(r.Tags))
			for _, t := range r.Tags {
				res.Tags[t.Name] = t.Value
			}
		}
		f.Resources = append(f.Resources, res)
	}
	fi := &o.FindingInfo
	for _, ts := range []struct {
		name   string
		dt     string
		millis *float64
		into   *time.Time
	}{
		{"finding_info.created_time", fi.CreatedTimeDT, fi.CreatedTime, &f.CreatedAt},
		{"finding_info.modified_time", fi.ModifiedTimeDT, fi.ModifiedTime, &f.UpdatedAt},
		{"finding_info.first_seen_time", fi.FirstSeenTimeDT, fi.FirstSeenTime, &f.FirstObservedAt},
		{"finding_info.last_seen_time", fi.LastSeenTimeDT, fi.LastSeenTime, &f.LastObservedAt},
	} {
		t, err := ocsfTime(ts.name, ts.dt, ts.millis)
		if err != nil {
			return nil, "", err
		}
		*ts.into = t
	}
	if f.UpdatedAt.IsZero() {
		t, err := ocsfTime("time", o.TimeDT, o.Time)
		if err != nil {
			return nil, "", err
		}
		f.UpdatedAt = t
	}
	return f, o.Metadata.UID, nil
}

// ocsfTime reads name_dt (ISO 8601) when present, else name (epoch ms).
func ocsfTime(name, dt string, millis *float64) (time.Time, *fieldError) {
	if dt != "" {
		t, err := parseTimestamp(dt)
		if err != nil {
			return time.Time{}, &fieldError{off: -1, field: topLevel(name), msg: fmt.Sprintf("%s_dt: %v", name, err)}
		}
		return t, nil
	}
	if millis == nil {
		return time.Time{}, nil
	}
	if *millis < -maxEpochMillis || *millis > maxEpochMillis {
		return time.Time{}, &fieldError{off: -1, field: topLevel(name), msg: fmt.Sprintf("%s is %v, not epoch milliseconds within the years 0000-9999", name, *millis)}
	}
	return epochMillis(*millis), nil
}

// ocsfWorkflow upper-cases the status caption ("In Progress" → IN_PROGRESS),
// or names status_id (1 New, 2 In Progress, 3 Suppressed, 4 Resolved,
// 5 Archived, 6 Deleted, 99 Other) when there is no caption.
func ocsfWorkflow(status string, id *int) string {
	if s := strings.TrimSpace(status); s != "" {
		return strings.ReplaceAll(strings.ToUpper(s), " ", "_")
	}
	if id == nil {
		return ""
	}
	switch *id {
	case 1:
		return "NEW"
	case 2:
		return "IN_PROGRESS"
	case 3:
		return "SUPPRESSED"
	case 4:
		return "RESOLVED"
	case 5:
		return "ARCHIVED"
	case 6:
		return "DELETED"
	case 99:
		return "OTHER"
	}
	return ""
}

// ocsfComplianceStatus maps compliance status_id 1 Pass, 2 Warning, 3 Fail
// (or the caption) to the ASFF PASSED, WARNING, FAILED. Other values keep
// their caption upper-cased; none gives "".
func ocsfComplianceStatus(status string, id *int) string {
	if id != nil {
		switch *id {
		case 1:
			return "PASSED"
		case 2:
			return "WARNING"
		case 3:
			return "FAILED"
		}
	}
	switch s := strings.ToUpper(strings.TrimSpace(status)); s {
	case "PASS", "PASSED":
		return "PASSED"
	case "WARNING":
		return "WARNING"
	case "FAIL", "FAILED":
		return "FAILED"
	default:
		return strings.ReplaceAll(s, " ", "_")
	}
}

// topLevel returns the first component of a dotted attribute path.
func topLevel(path string) string {
	name, _, _ := strings.Cut(path, ".")
	return name
}
