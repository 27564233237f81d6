package source

import (
	"fmt"
	"log/slog"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// Defaults of HTTPConfig.
const (
	// DefaultPath is where events are posted when HTTPConfig.Path is empty.
	DefaultPath = "/events"
	// DefaultAPIKeyHeader carries the API key when HTTPConfig.APIKeyHeader
	// is empty.
	DefaultAPIKeyHeader = "x-api-key"
	// DefaultMaxBody is the largest accepted body when HTTPConfig.MaxBody is
	// not positive: the largest EventBridge event.
	DefaultMaxBody = finding.MaxEventSize
)

// HTTPConfig configures the HTTP source. The secrets (APIKey,
// BasicPassword, BearerToken) never appear in its String, GoString or
// LogValue forms, nor in anything the source logs or answers.
//
// Every configured method is accepted on its own: a request passes when it
// presents any one of them. With none configured the endpoint is open; the
// config loader warns about that.
type HTTPConfig struct {
	// Path is the URL path events are posted to; default DefaultPath.
	Path string
	// APIKey, when set, is accepted in the header APIKeyHeader (default
	// DefaultAPIKeyHeader), as an EventBridge connection with API_KEY
	// authorization sends it.
	APIKey, APIKeyHeader string
	// BasicUser and BasicPassword, when BasicUser is set, are accepted as
	// HTTP Basic credentials (EventBridge BASIC authorization).
	BasicUser, BasicPassword string
	// BearerToken, when set, is accepted as "Authorization: Bearer <token>".
	BearerToken string
	// MaxBody is the largest accepted request body in bytes; default
	// DefaultMaxBody (1 MiB).
	MaxBody int64
}

// withDefaults returns c with the defaults filled in.
func (c HTTPConfig) withDefaults() HTTPConfig {
	if c.Path == "" {
		c.Path = DefaultPath
	}
	if c.APIKeyHeader == "" {
		c.APIKeyHeader = DefaultAPIKeyHeader
	}
	if c.MaxBody <= 0 {
		c.MaxBody = DefaultMaxBody
	}
	return c
}

// redacted shows whether a secret is set without showing it.
func redacted(secret string) string {
	if secret == "" {
		return ""
	}
	return "[redacted]"
}

// String describes c with its secrets redacted.
func (c HTTPConfig) String() string {
	return fmt.Sprintf("{Path:%s APIKey:%s APIKeyHeader:%s BasicUser:%s BasicPassword:%s BearerToken:%s MaxBody:%d}",
		c.Path, redacted(c.APIKey), c.APIKeyHeader, c.BasicUser, redacted(c.BasicPassword), redacted(c.BearerToken), c.MaxBody)
}

// GoString is String, so %#v does not print the secrets either.
func (c HTTPConfig) GoString() string { return "source.HTTPConfig" + c.String() }

// LogValue implements slog.LogValuer with the secrets redacted.
func (c HTTPConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("path", c.Path),
		slog.String("api_key", redacted(c.APIKey)),
		slog.String("api_key_header", c.APIKeyHeader),
		slog.String("basic_user", c.BasicUser),
		slog.String("basic_password", redacted(c.BasicPassword)),
		slog.String("bearer_token", redacted(c.BearerToken)),
		slog.Int64("max_body", c.MaxBody),
	)
}
