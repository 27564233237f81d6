package lambdasource

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hubrelay/hubrelay/internal/config"
)

// EnvConfig is the environment variable that holds the function's config:
// the path of a config file (in the deployment package or a layer), or the
// YAML itself.
const EnvConfig = "HUBRELAY_CONFIG"

// LoadConfig reads the config value holds, the value of EnvConfig: YAML
// when it starts with "{" or contains a line break, else a file path. opts
// are those of config.Load. Config problems come back as the
// config.ErrorList the config package returns, positioned in the file or
// in "HUBRELAY_CONFIG". A config whose store is not PostgreSQL is refused:
// a function keeps nothing on disk between invocations, and the
// deliveries it commits must be seen by whatever sends them. The error
// never shows the store's DSN. Safe for concurrent use.
func LoadConfig(value string, opts ...config.Option) (*config.Config, error) {
	if strings.TrimSpace(value) == "" {
		return nil, errors.New(EnvConfig + " is not set: give the path of the config file, or the YAML itself")
	}
	var (
		cfg *config.Config
		err error
	)
	if strings.HasPrefix(strings.TrimSpace(value), "{") || strings.ContainsAny(value, "\r\n") {
		cfg, err = config.Parse(EnvConfig, []byte(value), opts...)
	} else {
		cfg, err = config.Load(value, opts...)
	}
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(cfg.Store, "postgres://") && !strings.HasPrefix(cfg.Store, "postgresql://") {
		kind, _, _ := strings.Cut(cfg.Store, ":")
		return nil, fmt.Errorf("%s: store: the Lambda function needs a PostgreSQL store (postgres://…) shared with hubrelay serve or a scheduled drain; a %s store keeps nothing between invocations", cfg.File, kind)
	}
	return cfg, nil
}
