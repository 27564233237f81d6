package backlog

import (
	"strings"

	"github.com/hubrelay/hubrelay/internal/render"
)

// markerLabel starts the line that ends every issue description and every
// comment this destination writes: "hubrelay: hubrelay-0123456789abcdef",
// the delivery's marker (notify.Marker of Message.Key). Plain text in both
// Backlog notation and Markdown, so it shows as written, and a word Get
// Issue List's keyword finds. A retry (Message.Attempt > 1) looks for it
// before creating an issue or posting a comment again; see
// Notifier.Notify.
const markerLabel = "hubrelay: "

// markerLine is the line that carries marker, "" for no marker.
func markerLine(marker string) string {
	if marker == "" {
		return ""
	}
	return markerLabel + marker
}

// markerRoom is how many UTF-16 units withMarker adds to a text: the line
// and the blank line before it.
func markerRoom(marker string) int {
	if marker == "" {
		return 0
	}
	return render.UTF16Len(markerLine(marker)) + 2
}

// withMarker ends text with the marker line, after a blank line. The
// caller has cut text to its limit minus markerRoom(marker).
func withMarker(text, marker string) string {
	if marker == "" {
		return text
	}
	text = strings.TrimRight(text, " \t\r\n")
	if text == "" {
		return markerLine(marker)
	}
	return text + "\n\n" + markerLine(marker)
}
