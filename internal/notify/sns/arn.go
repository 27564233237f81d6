package sns

import (
	"errors"
	"fmt"
	"strings"
)

// maxTopicName is the longest topic name SNS allows, ".fifo" included.
const maxTopicName = 256

// fifoSuffix ends the name of every FIFO topic.
const fifoSuffix = ".fifo"

// Topic is a parsed SNS topic ARN:
// arn:PARTITION:sns:REGION:ACCOUNT:NAME.
type Topic struct {
	ARN       string
	Partition string // aws, aws-cn, aws-us-gov, …
	Region    string
	Account   string
	Name      string
	// FIFO is true for a FIFO topic (a name ending in ".fifo"): every
	// message needs a MessageGroupId and a MessageDeduplicationId.
	FIFO bool
}

// ParseTopicARN parses and checks a topic ARN. A topic name is 1–256
// characters of A–Z, a–z, 0–9, "-" and "_"; a FIFO topic's ends in
// ".fifo". The error says which part is wrong. Pure.
func ParseTopicARN(arn string) (Topic, error) {
	if arn == "" {
		return Topic{}, errors.New("is required (arn:aws:sns:REGION:ACCOUNT:TOPIC)")
	}
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" {
		return Topic{}, fmt.Errorf("%q: is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)", arn)
	}
	t := Topic{ARN: arn, Partition: parts[1], Region: parts[3], Account: parts[4], Name: parts[5]}
	switch {
	case !strings.HasPrefix(t.Partition, "aws") || !isLowerWord(t.Partition):
		return Topic{}, fmt.Errorf("%q: partition %q is not an AWS partition such as aws or aws-cn", arn, t.Partition)
	case parts[2] != "sns":
		return Topic{}, fmt.Errorf("%q: service %q is not sns", arn, parts[2])
	case !regionPattern.MatchString(t.Region):
		return Topic{}, fmt.Errorf("%q: region %q is not an AWS region name such as ap-northeast-1", arn, t.Region)
	case len(t.Account) != 12 || !isDigits(t.Account):
		return Topic{}, fmt.Errorf("%q: account %q is not a 12-digit AWS account ID", arn, t.Account)
	}
	base, fifo := strings.CutSuffix(t.Name, fifoSuffix)
	t.FIFO = fifo
	if base == "" || len(t.Name) > maxTopicName || strings.IndexFunc(base, func(r rune) bool { return !isTopicNameRune(r) }) >= 0 {
		return Topic{}, fmt.Errorf("%q: topic name %q must be 1-256 characters of A-Z, a-z, 0-9, - and _ (a FIFO topic's ending in .fifo)", arn, t.Name)
	}
	return t, nil
}

func isTopicNameRune(r rune) bool {
	return r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}

func isLowerWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '-' && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
