package embedded

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/banzu-bot/banzu/store"
)

// fnError carries an error of Update's fn through bbolt unchanged.
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

// Update reads coll/key and writes fn's result in one write transaction.
func (s *Store) Update(ctx context.Context, coll, key string, fn func(old []byte) ([]byte, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := collWrite(tx, coll)
		if err != nil {
			return err
		}
		// fn sees a copy: bbolt's slice is only valid in the transaction
		// and fn may keep what it is given.
		old := clone(b.Get([]byte(key)))
		v, err := fn(old)
		if err != nil {
			return fnError{err}
		}
		if v == nil {
			return b.Delete([]byte(key))
		}
		return b.Put([]byte(key), v)
	})
	var fe fnError
	if errors.As(err, &fe) {
		return fe.err
	}
	if err != nil {
		return fmt.Errorf("embedded: update %s/%s: %w", coll, key, err)
	}
	return nil
}

// Write applies ops in one write transaction.
func (s *Store) Write(ctx context.Context, ops []store.Op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(ops) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, op := range ops {
			if err := writeOp(tx, op); err != nil {
				return fmt.Errorf("%s/%s: %w", op.Coll, op.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded: write: %w", err)
	}
	return nil
}

func writeOp(tx *bolt.Tx, op store.Op) error {
	if op.Key == "" {
		return errors.New("empty key")
	}
	switch op.Kind {
	case store.OpPut:
		b, err := collWrite(tx, op.Coll)
		if err != nil {
			return err
		}
		v := op.Value
		if v == nil {
			v = []byte{}
		}
		return b.Put([]byte(op.Key), v)
	case store.OpDelete:
		if b := collRead(tx, op.Coll); b != nil {
			return b.Delete([]byte(op.Key))
		}
		return nil
	case store.OpIncr:
		b, err := collWrite(tx, op.Coll)
		if err != nil {
			return err
		}
		var cur int64
		if v := b.Get([]byte(op.Key)); v != nil {
			if cur, err = strconv.ParseInt(string(v), 10, 64); err != nil {
				return fmt.Errorf("value is not an integer: %w", err)
			}
		}
		return b.Put([]byte(op.Key), strconv.AppendInt(nil, cur+op.Delta, 10))
	}
	return fmt.Errorf("unknown op kind %d", op.Kind)
}
