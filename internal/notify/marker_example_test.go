package notify_test

import (
	"fmt"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// A ticket destination writes the delivery's marker into the issue it
// creates, and on a retry looks for it before creating again.
func ExampleMarker() {
	m := &notify.Message{Key: "abc", Attempt: 2}
	marker := notify.Marker(m.Key)
	description := "Security Hub found …\n\nhubrelay: " + marker
	fmt.Println(marker)
	fmt.Println(m.Attempt > 1 && notify.HasMarker(description, marker))
	// Output:
	// hubrelay-ba7816bf8f01cfea
	// true
}
