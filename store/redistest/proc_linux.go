package redistest

import "syscall"

// sysProcAttr asks Linux to kill redis-server when the test binary dies, so
// no server outlives an interrupted or crashed test run.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
