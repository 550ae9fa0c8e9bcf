package store

import "context"

// OpKind says what an Op does.
type OpKind int

// Op kinds.
const (
	OpPut    OpKind = iota // write Value at Coll/Key
	OpDelete               // remove Coll/Key (missing is not an error)
	OpIncr                 // add Delta to the counter document Coll/Key (see Store.Incr)
)

// Op is one write of an atomic Write.
type Op struct {
	Kind  OpKind
	Coll  string
	Key   string
	Value []byte // OpPut
	Delta int64  // OpIncr
}

// PutOp writes value at coll/key.
func PutOp(coll, key string, value []byte) Op {
	return Op{Kind: OpPut, Coll: coll, Key: key, Value: value}
}

// DeleteOp removes coll/key.
func DeleteOp(coll, key string) Op { return Op{Kind: OpDelete, Coll: coll, Key: key} }

// IncrOp adds delta to the counter document coll/key.
func IncrOp(coll, key string, delta int64) Op {
	return Op{Kind: OpIncr, Coll: coll, Key: key, Delta: delta}
}

// Updater is the read-modify-write and multi-key write part of Store, for
// code that needs only these.
type Updater interface {
	// Update reads coll/key and writes what fn returns, atomically: no other
	// write to the key comes between the read and the write. fn gets nil when
	// the key does not exist (an existing empty value is a non-nil empty
	// slice). A nil result deletes the key (nothing to do when it is
	// missing). When fn returns an error nothing is written and Update
	// returns that error as is. fn may be called more than once (Redis
	// retries when the key changed meanwhile), so it must have no effects
	// besides its result, and it must not call the store (the embedded
	// store runs it inside its write transaction).
	Update(ctx context.Context, coll, key string, fn func(old []byte) (new []byte, err error)) error
	// Write applies ops in order, all or none, across collections: an entry
	// and its index or counter land together. (On a Redis Cluster the ops
	// of each collection are atomic, and collections are written in order.)
	Write(ctx context.Context, ops []Op) error
}
