package kpi

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"slices"
)

// spool stages an import's records between parsing and writing, with bounded
// memory: records collect in a run of runSize; a full run is sorted by (date,
// agent), duplicates are added up, and it is appended to a temporary file.
// finish merges the runs in key order. Small imports never touch the disk.
type spool struct {
	dir     string
	runSize int
	run     []Record
	order   []int32

	f       *os.File
	w       *bufio.Writer
	runs    []runSpan
	written int64
	buf     []byte
	hdr     [binary.MaxVarintLen64]byte

	agents map[string]string // interned agent ids of decoded records
}

type runSpan struct{ off, n int64 }

func newSpool(dir string, runSize int) *spool {
	return &spool{dir: dir, runSize: runSize, run: make([]Record, 0, min(runSize, 1024))}
}

// next returns a zeroed slot for the next record; commit keeps it.
func (s *spool) next() *Record {
	if len(s.run) == cap(s.run) && cap(s.run) < s.runSize {
		// Past the first 1024 records, grow to the full run at once
		// rather than by doubling (records are large to copy).
		run := make([]Record, len(s.run), s.runSize)
		copy(run, s.run)
		s.run = run
	}
	s.run = append(s.run, Record{})
	return &s.run[len(s.run)-1]
}

// drop forgets the slot returned by next.
func (s *spool) drop() { s.run = s.run[:len(s.run)-1] }

// commit keeps the last slot, spilling the run when it is full.
func (s *spool) commit() error {
	if len(s.run) >= s.runSize {
		return s.spill()
	}
	return nil
}

func recKeyCmp(a, b *Record) int {
	if c := cmp.Compare(a.Date, b.Date); c != 0 {
		return c
	}
	return cmp.Compare(a.Agent, b.Agent)
}

// sortRun sorts the current run (through an index) and adds up duplicates;
// it returns the sorted, combined record indexes.
func (s *spool) sortRun() []int32 {
	s.order = s.order[:0]
	for i := range s.run {
		s.order = append(s.order, int32(i))
	}
	slices.SortStableFunc(s.order, func(a, b int32) int { return recKeyCmp(&s.run[a], &s.run[b]) })
	out := s.order[:0]
	for _, i := range s.order {
		if n := len(out); n > 0 && recKeyCmp(&s.run[out[n-1]], &s.run[i]) == 0 {
			s.run[out[n-1]].Add(&s.run[i])
			continue
		}
		out = append(out, i)
	}
	return out
}

// spill writes the current run to the spool file.
func (s *spool) spill() error {
	if len(s.run) == 0 {
		return nil
	}
	if s.f == nil {
		f, err := createTemp(s.dir, "kpi-spool")
		if err != nil {
			return err
		}
		s.f, s.w = f, bufio.NewWriterSize(f, 256<<10)
	}
	start := s.written
	order := s.sortRun()
	for _, i := range order {
		r := &s.run[i]
		// The entry goes after room for its length prefix, which is then
		// written just before it: one Write, no allocation.
		const room = binary.MaxVarintLen64
		s.buf = append(s.buf[:0], make([]byte, room)...)
		s.buf = append(s.buf, r.Date...)
		s.buf = binary.AppendUvarint(s.buf, uint64(len(r.Agent)))
		s.buf = append(s.buf, r.Agent...)
		s.buf = appendValue(s.buf, r)
		body := len(s.buf) - room
		n := binary.PutUvarint(s.hdr[:], uint64(body))
		start := room - n
		copy(s.buf[start:], s.hdr[:n])
		if _, err := s.w.Write(s.buf[start:]); err != nil {
			return err
		}
		s.written += int64(n + body)
	}
	s.runs = append(s.runs, runSpan{off: start, n: s.written - start})
	clear(s.run)
	s.run = s.run[:0]
	return nil
}

// finish calls emit for every combined record in (date, agent) order. The
// record passed to emit is only valid during the call. team, source and id are
// set on every record.
func (s *spool) finish(emit func(*Record) error) error {
	if s.f == nil {
		for _, i := range s.sortRun() {
			if err := emit(&s.run[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.spill(); err != nil {
		return err
	}
	s.run, s.order = nil, nil // every record is in the file now: free the run for the writes
	if err := s.w.Flush(); err != nil {
		return err
	}
	s.agents = map[string]string{}
	h := make(runHeap, 0, len(s.runs))
	for _, sp := range s.runs {
		rr := &runReader{r: bufio.NewReaderSize(io.NewSectionReader(s.f, sp.off, sp.n), 16<<10)}
		ok, err := rr.read(s)
		if err != nil {
			return err
		}
		if ok {
			h = append(h, rr)
		}
	}
	heap.Init(&h)
	var cur Record
	have := false
	for len(h) > 0 {
		rr := h[0]
		if have && recKeyCmp(&cur, &rr.rec) == 0 {
			cur.Add(&rr.rec)
		} else {
			if have {
				if err := emit(&cur); err != nil {
					return err
				}
			}
			cur, have = rr.rec, true
		}
		ok, err := rr.read(s)
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	if have {
		return emit(&cur)
	}
	return nil
}

// close removes the spool file.
func (s *spool) close() {
	if s.f != nil {
		name := s.f.Name()
		_ = s.f.Close()
		_ = os.Remove(name)
		s.f = nil
	}
}

// runReader reads one sorted run back.
type runReader struct {
	r   *bufio.Reader
	buf []byte
	rec Record
}

var errSpool = errors.New("kpi: corrupt spool")

func (rr *runReader) read(s *spool) (bool, error) {
	n, err := binary.ReadUvarint(rr.r)
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if cap(rr.buf) < int(n) {
		rr.buf = make([]byte, n)
	}
	b := rr.buf[:n]
	if _, err := io.ReadFull(rr.r, b); err != nil {
		return false, err
	}
	if len(b) < 11 {
		return false, errSpool
	}
	date := b[:10]
	al, k := binary.Uvarint(b[10:])
	if k <= 0 || len(b) < 10+k+int(al) {
		return false, errSpool
	}
	agent := b[10+k : 10+k+int(al)]
	rec := &rr.rec
	if rec.Date != string(date) {
		rec.Date = string(date)
	}
	id, ok := s.agents[string(agent)]
	if !ok {
		id = string(agent)
		s.agents[id] = id
	}
	rec.Agent = id
	return true, decodeValue(b[10+k+int(al):], rec)
}

type runHeap []*runReader

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return recKeyCmp(&h[i].rec, &h[j].rec) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*runReader)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
