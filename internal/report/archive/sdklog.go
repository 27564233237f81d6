package archive

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/smithy-go/logging"
)

// sdkLogger passes the AWS SDK's log lines (configuration warnings; request
// logging is off) to slog.
type sdkLogger struct{ log *slog.Logger }

// Logf writes one SDK log line: warnings at Warn, the rest at Debug.
func (l sdkLogger) Logf(class logging.Classification, format string, v ...any) {
	msg := strings.TrimSpace(fmt.Sprintf(format, v...))
	if class == logging.Warn {
		l.log.Warn("aws sdk", slog.String("message", msg))
		return
	}
	l.log.Debug("aws sdk", slog.String("message", msg))
}
