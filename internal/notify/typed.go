package notify

import (
	"errors"
	"reflect"
)

// Validator is implemented by destination configs that check themselves
// after decoding. Validate must be pure (no network, no files) and name
// the offending field in its error.
type Validator interface {
	Validate() error
}

// Typed makes the Factory of a destination from its typed constructor:
// the settings are strictly decoded into a new C, validated when *C is a
// Validator, and handed to build unless the Env is CheckOnly. A nil
// Decoder stands for empty settings. The destinations list reads:
//
//	r.Register("file", notify.Typed(file.New))
//
// where file.New is func(name string, cfg *file.Config, env notify.Env)
// (*file.Notifier, error).
func Typed[C any, N Notifier](build func(name string, cfg *C, env Env) (N, error)) Factory {
	return func(name string, dec Decoder, env Env) (Notifier, error) {
		cfg := new(C)
		if dec != nil {
			if err := dec.Decode(cfg); err != nil {
				return nil, err
			}
		}
		if v, ok := any(cfg).(Validator); ok {
			if err := v.Validate(); err != nil {
				return nil, err
			}
		}
		if env.CheckOnly() {
			return nil, nil
		}
		n, err := build(name, cfg, env)
		if err != nil {
			return nil, err
		}
		if isNil(n) {
			return nil, errors.New("constructor returned no notifier")
		}
		return n, nil
	}
}

// isNil reports whether n is nil or a nil pointer, map, func, chan or
// slice inside an interface.
func isNil(n any) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Func, reflect.Chan, reflect.Slice, reflect.Interface:
		return v.IsNil()
	}
	return false
}
