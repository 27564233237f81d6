package sqssource_test

import (
	"fmt"

	sqssource "github.com/hubrelay/hubrelay/internal/source/sqs"
)

// An SQS queue subscribed to an SNS topic receives the event inside an
// SNS notification; Unwrap returns the event. Other bodies pass through.
func ExampleUnwrap() {
	body := `{"Type":"Notification","TopicArn":"arn:aws:sns:us-east-1:123456789012:findings","Message":"{\"detail-type\":\"Security Hub Findings - Imported\"}"}`
	event, err := sqssource.Unwrap([]byte(body))
	fmt.Println(string(event), err)
	event, err = sqssource.Unwrap([]byte(`{"detail-type":"Security Hub Findings - Imported"}`))
	fmt.Println(string(event), err)
	_, err = sqssource.Unwrap([]byte(`{"Type":"Notification"}`))
	fmt.Println(err, sqssource.Classify(err))
	// Output:
	// {"detail-type":"Security Hub Findings - Imported"} <nil>
	// {"detail-type":"Security Hub Findings - Imported"} <nil>
	// message body: SNS notification without "Message" rejected
}
