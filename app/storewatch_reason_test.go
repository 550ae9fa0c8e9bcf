package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

func TestStoreFailureReason(t *testing.T) {
	cases := map[string]error{
		"disk_full": fmt.Errorf("embedded: commit: %w", &os.PathError{Op: "write", Path: "banzu.db", Err: syscall.ENOSPC}),
		"read_only": errors.New("database is in read-only mode"),
		"timeout":   fmt.Errorf("redis: %w", context.DeadlineExceeded),
		"other":     errors.New("boom"),
	}
	cases2 := map[error]string{
		&os.PathError{Op: "open", Path: "banzu.db", Err: syscall.EROFS}:                 "read_only",
		errors.New("READONLY You can't write against a read only replica."):             "read_only",
		errors.New("OOM command not allowed when used memory > 'maxmemory'."):           "disk_full",
		fmt.Errorf("x: %w", &os.PathError{Op: "write", Path: "b", Err: syscall.EDQUOT}): "disk_full",
	}
	for want, err := range cases {
		if got := reason(err); got != want {
			t.Errorf("reason(%v) = %s, want %s", err, got, want)
		}
	}
	for err, want := range cases2 {
		if got := reason(err); got != want {
			t.Errorf("reason(%v) = %s, want %s", err, got, want)
		}
	}
}
