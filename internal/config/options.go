package config

import "time"

// Option changes how Load and Parse check a config file.
type Option func(*options)

type options struct {
	checkDestination func(typ string, s *Settings) error
	noticeTypes      func(typ string) bool
	now              time.Time
}

func newOptions(opts []Option) options {
	o := options{}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.now.IsZero() {
		o.now = time.Now()
	}
	return o
}

// WithDestinationTypes makes Load call check once for every destination, with
// its type key (slack, email, ...) and its settings, in file order. check
// returns an error for an unknown type or for settings the type cannot use;
// errors that carry a position (from Settings.Decode or Settings.Errorf, or an
// ErrorList) keep it, any other error is reported at the destination's type
// key. check is called from the goroutine running Load. Without this option
// every type is accepted and settings are not checked.
func WithDestinationTypes(check func(typ string, s *Settings) error) Option {
	return func(o *options) { o.checkDestination = check }
}

// WithNow sets the time Load uses to decide which suppressions have already
// expired (reported as warnings). The default is the time Load is called.
func WithNow(now time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithNoticeTypes makes Load refuse, as recipients of reports
// (projects[].to) and of member alerts (members.to), destinations whose type
// takes returns false for: destinations that cannot deliver a notice
// (notify.Registry.Notices). takes is called from the goroutine running
// Load. Without this option a destination of any type may receive them.
func WithNoticeTypes(takes func(typ string) bool) Option {
	return func(o *options) { o.noticeTypes = takes }
}
