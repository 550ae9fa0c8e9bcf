package xlsxguardtest

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

// TestWriteInflates checks that a bomb is a valid ZIP whose big entry
// inflates to exactly the declared bytes with a matching CRC (archive/zip
// verifies both at EOF).
func TestWriteInflates(t *testing.T) {
	for _, kind := range []Kind{Zeros, WhitespaceSheet} {
		var buf bytes.Buffer
		if err := Write(&buf, kind, 64<<20, []string{"客服", "日期"}, [][]any{{"小王", "2026-10-01"}}); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var big *zip.File
		for _, e := range zr.File {
			if big == nil || e.UncompressedSize64 > big.UncompressedSize64 {
				big = e
			}
		}
		if big.UncompressedSize64 < 64<<20 || big.UncompressedSize64/big.CompressedSize64 < 500 {
			t.Fatalf("kind %d: entry %s %d→%d bytes, want ≥64 MiB at ratio ≥500", kind, big.Name, big.CompressedSize64, big.UncompressedSize64)
		}
		rc, err := big.Open()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		if err != nil {
			t.Fatalf("kind %d: inflating %s: %v", kind, big.Name, err)
		}
		if uint64(n) != big.UncompressedSize64 {
			t.Fatalf("kind %d: inflated %d bytes, declared %d", kind, n, big.UncompressedSize64)
		}
	}
}
