package embedded

import (
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestInboxMarksAreSwept: expired inbox de-duplication marks are removed by
// later Adds (FirstSeen's bounded sweep), so the seen bucket does not grow
// with every event ever received.
func TestInboxMarksAreSwept(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "banzu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, in := t.Context(), s.Inbox()
	const n = 40
	for i := range n {
		if ok, err := in.Add(ctx, "old:"+string(rune('A'+i)), []byte("x"), time.Millisecond); err != nil || !ok {
			t.Fatalf("Add = %v, %v", ok, err)
		}
	}
	time.Sleep(5 * time.Millisecond)
	marks := func() (seen, index int) {
		_ = s.db.View(func(tx *bolt.Tx) error {
			seen, index = tx.Bucket(bucketSeen).Stats().KeyN, tx.Bucket(bucketSeenX).Stats().KeyN
			return nil
		})
		return seen, index
	}
	for i := range n/sweepPerCall + 1 {
		if ok, err := in.Add(ctx, "new:"+string(rune('A'+i)), []byte("y"), time.Hour); err != nil || !ok {
			t.Fatalf("Add = %v, %v", ok, err)
		}
	}
	if seen, index := marks(); seen != n/sweepPerCall+1 || index != seen {
		t.Fatalf("%d marks and %d index entries left, want only the %d live ones", seen, index, n/sweepPerCall+1)
	}
}
