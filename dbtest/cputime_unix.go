//go:build unix

package dbtest

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time the process has used (user and system, every
// thread): on a shared machine a benchmark's wall time moves with the
// others' load, its CPU much less.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
