package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Coll is a typed collection: documents of type T kept as JSON in the store
// collection Name. Keys are the caller's; PrefixEnd gives the end of a
// prefix range.
type Coll[T any] struct {
	st   Store
	name string
}

// NewColl returns the collection name of st holding T documents.
func NewColl[T any](st Store, name string) Coll[T] { return Coll[T]{st: st, name: name} }

// Name is the store collection's name.
func (c Coll[T]) Name() string { return c.name }

func (c Coll[T]) decode(key string, b []byte) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("store: %s/%s: %w", c.name, key, err)
	}
	return v, nil
}

// Get reads the document at key; the error wraps ErrNotFound when it is
// missing.
func (c Coll[T]) Get(ctx context.Context, key string) (*T, error) {
	b, err := c.st.Get(ctx, c.name, key)
	if err != nil {
		return nil, err
	}
	return c.decode(key, b)
}

// Find reads the document at key, nil (and no error) when it is missing.
func (c Coll[T]) Find(ctx context.Context, key string) (*T, error) {
	v, err := c.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// Put writes v at key.
func (c Coll[T]) Put(ctx context.Context, key string, v *T) error {
	op, err := c.PutOp(key, v)
	if err != nil {
		return err
	}
	return c.st.Put(ctx, c.name, key, op.Value)
}

// PutOp is the Op writing v at key, for Store.Write.
func (c Coll[T]) PutOp(key string, v *T) (Op, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Op{}, fmt.Errorf("store: %s/%s: %w", c.name, key, err)
	}
	return PutOp(c.name, key, b), nil
}

// PutIfAbsent writes v at key only when the key is free, atomically.
func (c Coll[T]) PutIfAbsent(ctx context.Context, key string, v *T) (bool, error) {
	op, err := c.PutOp(key, v)
	if err != nil {
		return false, err
	}
	return c.st.PutIfAbsent(ctx, c.name, key, op.Value)
}

// Delete removes the document at key (missing is not an error).
func (c Coll[T]) Delete(ctx context.Context, key string) error {
	return c.st.Delete(ctx, c.name, key)
}

// ErrDelete, returned by an Update or Upsert fn, deletes the document.
var ErrDelete = errors.New("store: delete the document")

// Update changes the document at key in one atomic read-modify-write and
// returns what was written. When the key is missing fn is not called and
// the error wraps ErrNotFound. fn may run more than once (see
// Store.Update); it returns ErrDelete to remove the document, another error
// to write nothing.
func (c Coll[T]) Update(ctx context.Context, key string, fn func(v *T) error) (*T, error) {
	return c.update(ctx, key, false, fn)
}

// Upsert is Update that gives fn a zero T when the key is missing.
func (c Coll[T]) Upsert(ctx context.Context, key string, fn func(v *T) error) (*T, error) {
	return c.update(ctx, key, true, fn)
}

func (c Coll[T]) update(ctx context.Context, key string, create bool, fn func(v *T) error) (*T, error) {
	var out *T
	err := c.st.Update(ctx, c.name, key, func(old []byte) ([]byte, error) {
		out = nil
		v := new(T)
		switch {
		case old != nil:
			var err error
			if v, err = c.decode(key, old); err != nil {
				return nil, err
			}
		case !create:
			return nil, fmt.Errorf("store: update %s/%s: %w", c.name, key, ErrNotFound)
		}
		if err := fn(v); errors.Is(err, ErrDelete) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("store: %s/%s: %w", c.name, key, err)
		}
		out = v
		return b, nil
	})
	return out, err
}

// Range calls fn for every document whose key is in [from, to) in key
// order (an empty to: to the end). A document that does not decode stops
// the range with an error.
func (c Coll[T]) Range(ctx context.Context, from, to string, fn func(key string, v *T) error) error {
	return c.st.Scan(ctx, c.name, from, to, func(k string, b []byte) error {
		v, err := c.decode(k, b)
		if err != nil {
			return err
		}
		return fn(k, v)
	})
}

// Prefix calls fn for every document whose key starts with prefix.
func (c Coll[T]) Prefix(ctx context.Context, prefix string, fn func(key string, v *T) error) error {
	return c.Range(ctx, prefix, PrefixEnd(prefix), fn)
}

// List returns the documents whose key starts with prefix, in key order.
func (c Coll[T]) List(ctx context.Context, prefix string) ([]*T, error) {
	var out []*T
	err := c.Prefix(ctx, prefix, func(_ string, v *T) error {
		out = append(out, v)
		return nil
	})
	return out, err
}

// PrefixEnd returns the smallest key greater than every key that starts with
// prefix: the exclusive end of a prefix scan ("team/" gives "team0"). It is
// "" (to the end) when no such key exists (an empty prefix, or one of 0xff
// bytes only).
func PrefixEnd(prefix string) string {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}
