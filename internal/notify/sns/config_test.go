package sns

import (
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error; none: valid
	}{
		{"minimal", Config{TopicARN: standardTopic}, nil},
		{"everything", Config{
			TopicARN: fifoTopic, Region: "ap-northeast-1", Endpoint: "https://sns.ap-northeast-1.amazonaws.com",
			MessageFormat: FormatJSON, MessageGroup: GroupByFinding, AccessKeyID: "AKID", SecretAccessKey: "secret",
			SessionToken: "token", Language: "ja",
		}, nil},
		{"china partition", Config{TopicARN: "arn:aws-cn:sns:cn-north-1:123456789012:alerts"}, nil},
		{"govcloud", Config{TopicARN: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts_2"}, nil},
		{"loopback http endpoint", Config{TopicARN: standardTopic, Endpoint: "http://127.0.0.1:4566"}, nil},
		{"no topic", Config{}, []string{"topic_arn: is required"}},
		{"not an ARN", Config{TopicARN: "security-alerts"}, []string{"topic_arn:", "is not an SNS topic ARN"}},
		{"SQS ARN", Config{TopicARN: "arn:aws:sqs:ap-northeast-1:123456789012:queue"}, []string{`service "sqs" is not sns`}},
		{"bad account", Config{TopicARN: "arn:aws:sns:ap-northeast-1:1234:alerts"}, []string{"12-digit AWS account ID"}},
		{"bad region in ARN", Config{TopicARN: "arn:aws:sns:tokyo:123456789012:alerts"}, []string{`region "tokyo"`}},
		{"bad topic name", Config{TopicARN: "arn:aws:sns:ap-northeast-1:123456789012:security alerts"}, []string{"topic name"}},
		{"empty FIFO name", Config{TopicARN: "arn:aws:sns:ap-northeast-1:123456789012:.fifo"}, []string{"topic name"}},
		{"other region", Config{TopicARN: standardTopic, Region: "us-east-1"}, []string{"region:", "the topic is in ap-northeast-1"}},
		{"malformed region", Config{TopicARN: standardTopic, Region: "Tokyo"}, []string{"region:", "not an AWS region name"}},
		{"http endpoint", Config{TopicARN: standardTopic, Endpoint: "http://sns.example.com"}, []string{"endpoint:", "must use https"}},
		{"endpoint with credentials", Config{TopicARN: standardTopic, Endpoint: "https://u:p@sns.example.com"}, []string{"endpoint:", "must not hold credentials"}},
		{"format", Config{TopicARN: standardTopic, MessageFormat: "slack"}, []string{"message_format:", "chatbot, raw or json"}},
		{"group on a standard topic", Config{TopicARN: standardTopic, MessageGroup: GroupByAccount}, []string{"message_group: is only for FIFO topics"}},
		{"group value", Config{TopicARN: fifoTopic, MessageGroup: "region"}, []string{"message_group:", "account or finding"}},
		{"key without secret", Config{TopicARN: standardTopic, AccessKeyID: "AKID"}, []string{"secret_access_key: is required"}},
		{"secret without key", Config{TopicARN: standardTopic, SecretAccessKey: "s3cr3t-value"}, []string{"access_key_id: is required"}},
		{"token alone", Config{TopicARN: standardTopic, SessionToken: "tok"}, []string{"session_token: needs"}},
		{"secret with newline", Config{TopicARN: standardTopic, AccessKeyID: "AKID", SecretAccessKey: "s3cr3t-value\n"}, []string{"secret_access_key: contains white space"}},
		{"language", Config{TopicARN: standardTopic, Language: "fr"}, []string{"language:"}},
		{"every problem at once", Config{Region: "x", MessageFormat: "y", MessageGroup: "z"}, []string{"topic_arn:", "region:", "message_format:", "message_group:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("valid config refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("invalid config accepted; want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, secret := range []string{"s3cr3t-value"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error quotes a secret: %q", err)
				}
			}
		})
	}
}

func TestParseTopicARN(t *testing.T) {
	topic, err := ParseTopicARN(fifoTopic)
	if err != nil {
		t.Fatal(err)
	}
	want := Topic{ARN: fifoTopic, Partition: "aws", Region: "ap-northeast-1", Account: "123456789012", Name: "security-alerts.fifo", FIFO: true}
	if topic != want {
		t.Errorf("ParseTopicARN = %+v, want %+v", topic, want)
	}
}

// TestSettings decodes settings as the config file gives them, strictly.
func TestSettings(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	tests := []struct {
		settings string
		want     string
	}{
		{`{"topic_arn": "` + standardTopic + `", "message_format": "raw"}`, ""},
		{`{"topic_arn": "` + standardTopic + `", "mesage_format": "raw"}`, `unknown field "mesage_format"`},
		{`{"topic_arn": "` + standardTopic + `", "message_format": 1}`, "settings:1:"},
		{`{"topic_arn": "arn:aws:sns:ap-northeast-1:123456789012:x", "region": "us-west-2"}`, "region:"},
	}
	for _, tt := range tests {
		t.Run(tt.settings, func(t *testing.T) {
			n, err := notify.Typed(New)("alerts", notifytest.Settings(tt.settings), env)
			if tt.want == "" {
				if err != nil || n == nil {
					t.Fatalf("got %v, %v", n, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
