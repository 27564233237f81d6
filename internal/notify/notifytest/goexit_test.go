package notifytest

import "runtime"

// runtimeGoexit stops the recorder's goroutine the way t.FailNow would.
func runtimeGoexit() { runtime.Goexit() }
