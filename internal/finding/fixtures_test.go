package finding

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDecodeEveryFixture decodes each published sample: one finding each,
// Raw byte for byte, and an event holding exactly that finding.
func TestDecodeEveryFixture(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 30 {
		t.Fatalf("found %d fixtures, want 25 ASFF + 5 OCSF", len(files))
	}
	for _, path := range files {
		name, _ := filepath.Rel("testdata", path)
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			it := decodeOne(t, name, data)
			f := it.Finding
			wantFormat := FormatASFF
			if strings.HasPrefix(name, "ocsf") {
				wantFormat = FormatOCSF
			}
			if f.Format != wantFormat {
				t.Errorf("Format = %q, want %q", f.Format, wantFormat)
			}
			if f.ID == "" {
				t.Error("ID is empty")
			}
			wantRaw := fixtureFinding(t, name)
			if !bytes.Equal(f.Raw, wantRaw) {
				t.Errorf("Raw is not the finding byte for byte:\n got %.120s\nwant %.120s", f.Raw, wantRaw)
			}
			if !bytes.Contains(data, f.Raw) {
				t.Error("Raw does not occur in the input")
			}
			if it.Source != name || it.Index != 0 || it.Line < 1 {
				t.Errorf("Source, Index, Line = %q, %d, %d", it.Source, it.Index, it.Line)
			}
			isEvent := bytes.Contains(data, []byte(`"detail-type"`))
			if isEvent && !bytes.Equal(it.Event, bytes.TrimSpace(data)) {
				t.Error("an event with one finding must be kept byte for byte")
			}
			got := eventFindings(t, it.Event)
			if len(got) != 1 || !bytes.Equal(got[0], wantRaw) {
				t.Errorf("event holds %d findings, want exactly the finding", len(got))
			}
			if !json.Valid(it.Event) {
				t.Error("event is not valid JSON")
			}
		})
	}
}

// TestGoldenNormalization checks the normalized fields of a handful of
// fixtures against values written by hand from the files.
func TestGoldenNormalization(t *testing.T) {
	est := time.FixedZone("", -5*3600)
	tests := []struct {
		file string
		want Finding
	}{
		{
			file: "asff/01-securityhub-fsbp-cloudtrail2-failed.json",
			want: Finding{
				ID:          "arn:aws:securityhub:us-east-2:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0/CloudTrail.2/finding/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
				ProviderID:  "arn:aws:securityhub:us-east-2:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0/CloudTrail.2/finding/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
				ProductARN:  "arn:aws:securityhub:us-east-2::product/aws/securityhub",
				ProductName: "Security Hub",
				CompanyName: "AWS",
				GeneratorID: "aws-foundational-security-best-practices/v/1.0.0/CloudTrail.2",
				AccountID:   "123456789012",
				Region:      "us-east-2",
				Title:       "CloudTrail.2 CloudTrail should have encryption at-rest enabled",
				Description: "This AWS control checks whether AWS CloudTrail is configured to use the server side encryption (SSE) AWS Key Management Service (AWS KMS) customer master key (CMK) encryption. The check will pass if the KmsKeyId is defined.",
				Severity:    Severity{Label: "MEDIUM", Normalized: 40},
				Types:       []string{"Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices"},
				Resources: []Resource{{
					Type: "AwsCloudTrailTrail", ID: "arn:aws:cloudtrail:us-east-2:123456789012:trail/AWSMacieTrail-DO-NOT-EDIT",
					Partition: "aws", Region: "us-east-2",
				}},
				Compliance: Compliance{
					Status:            "FAILED",
					SecurityControlID: "CloudTrail.2",
					Standards:         []string{"standards/aws-foundation-best-practices/v/1.0.0"},
				},
				Workflow:    "NEW",
				RecordState: "ACTIVE",
				Remediation: Remediation{
					Text: "For directions on how to correct this issue, consult the AWS Security Hub controls documentation.",
					URL:  "https://docs.aws.amazon.com/console/securityhub/CloudTrail.2/remediation",
				},
				CreatedAt:       utc("2020-08-06T02:18:23.076Z"),
				UpdatedAt:       utc("2021-09-28T16:10:00.093Z"),
				FirstObservedAt: utc("2020-08-06T02:18:23.076Z"),
				LastObservedAt:  utc("2021-09-28T16:10:06.956Z"),
				Format:          FormatASFF,
			},
		},
		{
			// no Region, ProductName or CompanyName at the top level; ARNs
			// with an extra colon, so the region comes from the resource
			file: "asff/08-guardduty-ssh-bruteforce.json",
			want: Finding{
				ID:          "arn:aws::guardduty:us-east-1:193043430472:detector/d4b040365221be2b54a6264dc9a4bc64/finding/46ba0ac2845071e23ccdeb2ae03bfdea",
				ProviderID:  "arn:aws::guardduty:us-east-1:193043430472:detector/d4b040365221be2b54a6264dc9a4bc64/finding/46ba0ac2845071e23ccdeb2ae03bfdea",
				ProductARN:  "arn:aws::securityhub:us-east-1::product/aws/guardduty",
				ProductName: "GuardDuty",
				CompanyName: "Amazon",
				GeneratorID: "arn:aws::guardduty:us-east-1:193043430472:detector/d4b040365221be2b54a6264dc9a4bc64",
				AccountID:   "193043430472",
				Region:      "us-east-1",
				Title:       "199.241.229.197 is performing SSH brute force attacks against i-0c10c2c7863d1a356.",
				Description: "199.241.229.197 is performing SSH brute force attacks against i-0c10c2c7863d1a356. Brute force attacks are used to gain unauthorized access to your instance by guessing the SSH password.",
				Severity:    Severity{Label: "MEDIUM", Normalized: 40},
				Types:       []string{"TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce"},
				Resources: []Resource{{
					Type: "AwsEc2Instance", ID: "arn:aws::ec2:us-east-1:193043430472:instance/i-0c10c2c7863d1a356",
					Partition: "aws", Region: "us-east-1", Tags: map[string]string{"Name": "kubectl"},
				}},
				Workflow:        "NEW",
				RecordState:     "ACTIVE",
				CreatedAt:       utc("2020-08-22T09:34:34.146Z"),
				UpdatedAt:       utc("2020-09-30T12:14:00.206Z"),
				FirstObservedAt: utc("2020-08-22T09:15:57Z"),
				LastObservedAt:  utc("2020-09-30T11:56:49Z"),
				Format:          FormatASFF,
			},
		},
		{
			// GetFindings response; Workflow.Status NOTIFIED wins over the
			// deprecated WorkflowState NEW; no Region, so the Id's region;
			// standards from ProductFields StandardsGuideArn
			file: "asff/13-securityhub-cis120-1.13-critical-notified.getfindings.json",
			want: Finding{
				ID:          "arn:aws:securityhub:us-west-1: 123456789012:subscription/cis-aws-foundations-benchmark/v/1.2.0/1.13/finding/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
				ProviderID:  "arn:aws:securityhub:us-west-1: 123456789012:subscription/cis-aws-foundations-benchmark/v/1.2.0/1.13/finding/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
				ProductARN:  "arn:aws:securityhub:us-west-2::product/aws/securityhub",
				ProductName: "Security Hub",
				CompanyName: "AWS",
				GeneratorID: "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.13",
				AccountID:   "123456789012",
				Region:      "us-west-1",
				Title:       `1.13 Ensure MFA is enabled for the "root" account`,
				Description: "The root account is the most privileged user in an AWS account. MFA adds an extra layer of protection on top of a user name and password. With MFA enabled, when a user signs in to an AWS website, they will be prompted for their user name and password as well as for an authentication code from their AWS MFA device.",
				Severity:    Severity{Label: "CRITICAL", Normalized: 90},
				Types:       []string{"Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"},
				Resources: []Resource{{
					Type: "AwsAccount", ID: "AWS::::Account:123456789012", Partition: "aws", Region: "us-west-1",
				}},
				Compliance: Compliance{
					Status:    "FAILED",
					Standards: []string{"arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"},
				},
				Workflow:    "NOTIFIED",
				RecordState: "ACTIVE",
				Remediation: Remediation{
					Text: "For directions on how to fix this issue, please consult the AWS Security Hub CIS documentation.",
					URL:  "https://docs.aws.amazon.com/console/securityhub/standards-cis-1.13/remediation",
				},
				CreatedAt:       utc("2020-05-21T20:16:34.752Z"),
				UpdatedAt:       utc("2020-06-09T08:16:36.430Z"),
				FirstObservedAt: utc("2020-05-21T20:16:34.752Z"),
				LastObservedAt:  utc("2020-06-09T08:16:37.171Z"),
				Format:          FormatASFF,
			},
		},
		{
			// custom action event: ActionName; Workflow RESOLVED
			file: "asff/15-eb-customaction-securityhub-cis120-1.6-passed-resolved.json",
			want: Finding{
				ID:          "arn:aws:securityhub:us-east-1:111111111111:subscription/cis-aws-foundations-benchmark/v/1.2.0/1.6/finding/524d1058-d8af-4549-80e6-e85872ea571e",
				ProviderID:  "arn:aws:securityhub:us-east-1:111111111111:subscription/cis-aws-foundations-benchmark/v/1.2.0/1.6/finding/524d1058-d8af-4549-80e6-e85872ea571e",
				ProductARN:  "arn:aws:securityhub:us-east-1::product/aws/securityhub",
				ProductName: "Security Hub",
				CompanyName: "AWS",
				GeneratorID: "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.6",
				AccountID:   "111111111111",
				Region:      "us-east-1",
				Title:       "1.6 Ensure IAM password policy requires at least one lowercase letter",
				Description: "Password policies are, in part, used to enforce password complexity requirements. IAM password policies can be used to ensure passwords are comprised of different character sets. It is recommended that the password policy require at least one lowercase letter.",
				Severity:    Severity{Label: "INFORMATIONAL", Normalized: 0},
				Types:       []string{"Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"},
				Resources: []Resource{{
					Type: "AwsAccount", ID: "AWS::::Account:111111111111", Partition: "aws", Region: "us-east-1",
				}},
				Compliance: Compliance{
					Status:    "PASSED",
					Standards: []string{"arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"},
				},
				Workflow:    "RESOLVED",
				RecordState: "ACTIVE",
				Remediation: Remediation{
					Text: "For directions on how to fix this issue, please consult the AWS Security Hub CIS documentation.",
					URL:  "https://docs.aws.amazon.com/console/securityhub/standards-cis-1.6/remediation",
				},
				CreatedAt:       utc("2020-06-02T03:04:33.561Z"),
				UpdatedAt:       utc("2020-06-02T15:36:24.745Z"),
				FirstObservedAt: utc("2020-06-02T03:04:33.561Z"),
				LastObservedAt:  utc("2020-06-02T15:36:25.707Z"),
				ActionName:      "CIS 1.5 - 1.11 RR",
				Format:          FormatASFF,
			},
		},
		{
			// redacted: no AwsAccountId, CreatedAt or UpdatedAt
			file: "asff/21-inspector-v2-cve-ec2.getfindings.json",
			want: Finding{
				ID:          "arn:aws:inspector2:eu-west-2:nope:finding/d6b3acd3f438c71c6200574fecdc7943",
				ProviderID:  "arn:aws:inspector2:eu-west-2:nope:finding/d6b3acd3f438c71c6200574fecdc7943",
				ProductARN:  "arn:aws:securityhub:eu-west-2::product/aws/inspector",
				ProductName: "Inspector",
				CompanyName: "Amazon",
				GeneratorID: "AWSInspector",
				Region:      "eu-west-2",
				Title:       "CVE-2022-25315 - expat",
				Description: "An integer overflow was found in expat. The issue occurs in storeRawNames() by abusing the m_buffer expansion logic to allow allocations very close to INT_MAX and out-of-bounds heap writes. This flaw can cause a denial of service or potentially arbitrary code execution.",
				Severity:    Severity{Label: "CRITICAL", Normalized: 90},
				Types:       []string{"Software and Configuration Checks/Vulnerabilities/CVE"},
				Resources: []Resource{{
					Type: "AwsEc2Instance", ID: "i-040e6e4e5faadfaa8", Partition: "aws", Region: "eu-west-2",
				}},
				Workflow:    "NEW",
				RecordState: "ACTIVE",
				Remediation: Remediation{
					Text: "There is no known mitigation other than restricting applications using the expat library from processing untrusted XML content. Please update the affected packages as soon as possible.",
				},
				Format: FormatASFF,
			},
		},
		{
			// Label only (Normalized from the documented mapping); -05:00
			// offsets with 6-digit fractions; no Workflow
			file: "asff/25-trivy-aquasecurity-cve-container.json",
			want: Finding{
				ID:          "golang:1.12-alpine (alpine 3.11.3)/CVE-2021-36159",
				ProviderID:  "golang:1.12-alpine (alpine 3.11.3)/CVE-2021-36159",
				ProductARN:  "arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity",
				GeneratorID: "Trivy",
				AccountID:   "123456789012",
				Region:      "us-east-1",
				Title:       "Trivy found a vulnerability to CVE-2021-36159 in container golang:1.12-alpine (alpine 3.11.3)",
				Description: `libfetch before 2021-07-26, as used in apk-tools, xbps, and other products, mishandles numeric strings for the FTP and HTTP protocols. The FTP passive mode implementation allows an out-of-bounds read because strtol is used to parse the relevant numbers into address bytes. It does not check if the line ends prematurely. If it does, the for-loop condition checks for the &#39;\0&#39; terminator one byte too late.`,
				Severity:    Severity{Label: "CRITICAL", Normalized: 90},
				Types:       []string{"Software and Configuration Checks/Vulnerabilities/CVE"},
				Resources: []Resource{{
					Type: "Container", ID: "golang:1.12-alpine (alpine 3.11.3)", Partition: "aws", Region: "us-east-1",
				}},
				RecordState: "ACTIVE",
				Remediation: Remediation{
					Text: "More information on this vulnerability is provided in the hyperlink",
					URL:  "https://avd.aquasec.com/nvd/cve-2021-36159",
				},
				CreatedAt: time.Date(2022, 2, 7, 23, 51, 26, 938789000, est),
				UpdatedAt: time.Date(2022, 2, 7, 23, 51, 26, 938817000, est),
				Format:    FormatASFF,
			},
		},
		{
			// OCSF in a "Findings Imported V2" event: Suppressed, Low
			file: "ocsf/01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json",
			want: Finding{
				ID:          "1d24e91799652d9e17025b61d94f436b20b515b6f3cd9bda788f48c1db9cf244",
				ProviderID:  "arn:aws:guardduty:us-east-1:869728294630:detector/b4c71b47fb852d3fc0e99a82fa2841aa/finding/06c95f0cfdfd3b579b977e20e9da1aa4",
				ProductARN:  "arn:aws:securityhub:us-east-1::productv2/aws/guardduty",
				ProductName: "GuardDuty",
				CompanyName: "AWS",
				GeneratorID: "b4c71b47fb852d3fc0e99a82fa2841aa",
				AccountID:   "869728294964",
				Region:      "us-east-1",
				Title:       "An AWS CloudTrail trail Aws-Observability-e2esumoqeui was disabled.",
				Description: "AWS CloudTrail trail Aws-Observability-e2esumoqeui was disabled by cis_automation calling DeleteTrail under unusual circumstances. This can be attackers attempt to cover their tracks by eliminating any trace of activity performed while they accessed your account.",
				Severity:    Severity{Label: "LOW", Normalized: 1},
				Types:       []string{"Stealth:IAMUser/CloudTrailLoggingDisabled"},
				Resources: []Resource{{
					Type: "AWS::IAM::AccessKey", ID: "ASIA4U76YS3TEOA3O", Partition: "aws", Region: "us-east-1",
				}},
				Workflow:    "SUPPRESSED",
				RecordState: "ACTIVE",
				Remediation: Remediation{
					Text: "Please review the remediation guidance provided in the referenced documentation",
					URL:  "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html#stealth-iam-cloudtrailloggingdisabled",
				},
				CreatedAt:       utc("2024-10-24T10:37:06.938Z"),
				UpdatedAt:       utc("2025-07-22T03:02:34.272Z"),
				FirstObservedAt: utc("2024-10-24T10:21:26.000Z"),
				LastObservedAt:  utc("2025-07-22T02:52:14.000Z"),
				Format:          FormatOCSF,
			},
		},
		{
			// OCSF compliance finding: Fail → FAILED, control → GeneratorID
			file: "ocsf/03-cruxstack-securityhub-cspm-compliance-config1-cis.json",
			want: Finding{
				ID:          "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
				ProviderID:  "arn:aws:securityhub:us-east-1:123456789012:subscription/cis-aws-foundations-benchmark/v/1.2.0/2.5/finding/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
				ProductARN:  "arn:aws:securityhub:us-east-1::productv2/aws/securityhub",
				ProductName: "Security Hub",
				CompanyName: "AWS",
				GeneratorID: "Config.1",
				AccountID:   "123456789012",
				Region:      "us-east-1",
				Title:       "2.5 AWS Config should be enabled and use the service-linked role for resource recording",
				Description: "AWS Config is a web service that performs configuration management of supported AWS resources within your account and delivers log files to you. The recorded information includes the configuration item (AWS resource), relationships between configuration items (AWS resources), and any configuration changes between resources. It is recommended to enable AWS Config in all regions.",
				Severity:    Severity{Label: "CRITICAL", Normalized: 90},
				Types: []string{
					"Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark",
					"Posture Management",
				},
				Resources: []Resource{{
					Type: "AWS::::Account", ID: "123456789012", Partition: "aws", Region: "us-east-1",
				}},
				Compliance: Compliance{
					Status:              "FAILED",
					SecurityControlID:   "Config.1",
					Standards:           []string{"ruleset/cis-aws-foundations-benchmark/v/1.2.0"},
					RelatedRequirements: []string{"CIS AWS Foundations 2.5"},
				},
				Workflow:    "NEW",
				RecordState: "ACTIVE",
				Remediation: Remediation{
					Text: "For information on how to correct this issue, consult the AWS Security Hub controls documentation.",
					URL:  "https://docs.aws.amazon.com/console/securityhub/Config.1/remediation",
				},
				CreatedAt:       utc("2025-06-24T01:53:20.501Z"),
				UpdatedAt:       utc("2025-11-03T07:31:57.235Z"),
				FirstObservedAt: utc("2025-06-24T01:53:20.501Z"),
				LastObservedAt:  utc("2025-11-03T07:31:57.235Z"),
				Format:          FormatOCSF,
			},
		},
		{
			// activity Close (status still New) → ARCHIVED; tags as a map
			file: "ocsf/04-cruxstack-guardduty-detection-close.json",
			want: Finding{
				ID:          "5121a512c39d657e0dd78133fc41ad6bdd145b7cf5a306f52bda76f5883fa500",
				ProviderID:  "arn:aws:guardduty:us-east-1:205014383633:detector/12cbda91026ae3393af947729d385166/finding/d6cd5459c241b902f2aaff9db607c941",
				ProductARN:  "arn:aws:securityhub:us-east-1::productv2/aws/guardduty",
				ProductName: "GuardDuty",
				CompanyName: "AWS",
				GeneratorID: "12cbda91026ae3393af947729d385166",
				AccountID:   "123456789012",
				Region:      "us-east-1",
				Title:       "A container has mounted a host directory.",
				Description: "A container has mounted a host directory.",
				Severity:    Severity{Label: "MEDIUM", Normalized: 40},
				Types:       []string{"Threats", "PrivilegeEscalation:Runtime/ContainerMountsHostDirectory"},
				Resources: []Resource{
					{
						Type: "AWS::Container::Container", ID: "287ae865fc4257511514453a78a03743c5c63a40ab2a2a2f81579745b1febf41",
						Partition: "aws", Region: "us-east-1",
					},
					{
						Type: "AWS::EC2::Instance", ID: "i-0d7663df710a0f17a", Partition: "aws", Region: "us-east-1",
						Tags: map[string]string{"Name": "runs-on-ci-runner", "provider": "runs-on.com", "environment": "production"},
					},
				},
				Workflow:    "NEW",
				RecordState: "ARCHIVED",
				Remediation: Remediation{
					Text: "Please review the remediation guidance provided in the referenced documentation",
					URL:  "https://docs.aws.amazon.com/guardduty/latest/ug/findings-runtime-monitoring.html#privilegeescalation-runtime-containermountshostdirectory",
				},
				CreatedAt:       utc("2025-11-21T23:15:28.515Z"),
				UpdatedAt:       utc("2025-11-21T23:15:28.515Z"),
				FirstObservedAt: utc("2025-11-21T23:10:47.284Z"),
				LastObservedAt:  utc("2025-11-21T23:10:47.284Z"),
				Format:          FormatOCSF,
			},
		},
		{
			// no metadata.uid (ID falls back to finding_info.uid); no
			// modified_time (UpdatedAt from time_dt); 9-digit fraction
			file: "ocsf/10-aws-docs-securityhub-exposure-finding-sample.json",
			want: Finding{
				ID:          "arn:aws:securityhub:us-east-1:123456789012:risk:1234f781c7ae7507f01e2fb460f15ca8fe7f9c95e257698a092cb74a4ea84a42",
				ProviderID:  "arn:aws:securityhub:us-east-1:123456789012:risk:1234f781c7ae7507f01e2fb460f15ca8fe7f9c95e257698a092cb74a4ea84a42",
				ProductARN:  "arn:aws:securityhub:us-east-1::productv2/aws/securityhub-risk",
				ProductName: "Security Hub Exposure Analysis",
				CompanyName: "Amazon",
				GeneratorID: "0.0.1",
				AccountID:   "123456789012",
				Region:      "us-east-1",
				Title:       "Publicly invocable Lambda function executed outside of VPC has vulnerability with known exploit that can be exploited from remote network",
				Description: "Publicly invocable Lambda function executed outside of VPC has vulnerability with known exploit that can be exploited from remote network",
				Severity:    Severity{Label: "CRITICAL", Normalized: 90},
				Types:       []string{"Exposure/Potential Impact/Resource Hijacking"},
				Resources: []Resource{{
					Type: "AwsLambdaFunction", ID: "arn:aws:lambda:us-east-1:123456789012:application-function",
					Partition: "aws", Region: "us-east-1",
					Tags: map[string]string{
						"aws:cloudformation:stack-name": "LambdaProdStack",
						"aws:cloudformation:stack-id":   "arn:aws:cloudformation:us-east-1:123456789012:stack/LambdaProdStack/a1b2c3d4-5678-90ab-cdef-EXAMPLE22222",
						"aws:cloudformation:logical-id": "lambdar3function94D10D40",
					},
				}},
				Workflow:    "NEW",
				RecordState: "ACTIVE",
				CreatedAt:   utc("2024-11-15T21:39:26.337224100Z"),
				UpdatedAt:   utc("2024-11-15T21:39:26.337224100Z"),
				Format:      FormatOCSF,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			it := decodeOne(t, tt.file, readFixture(t, tt.file))
			sameFinding(t, it.Finding, &tt.want)
		})
	}
}
