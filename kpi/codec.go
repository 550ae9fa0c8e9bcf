package kpi

import (
	"encoding/binary"
	"errors"
	"math"
)

// Records are stored in a compact binary form (version 1):
//
//	version byte (1)
//	uvarint ImportID
//	uvarint present mask (bit per Metric)
//	for each present metric in Metric order:
//	    quality byte
//	    Sales: zigzag varint fen; others: float64 Num (little endian),
//	    then float64 Base for ratio metrics.
//
// Team, date, agent and source live in the key.
const codecVersion = 1

var errCodec = errors.New("kpi: corrupt record")

// appendValue appends r's encoded figures to dst.
func appendValue(dst []byte, r *Record) []byte {
	dst = append(dst, codecVersion)
	dst = binary.AppendUvarint(dst, uint64(r.ImportID))
	dst = binary.AppendUvarint(dst, uint64(r.Present()))
	for m := Metric(0); m < NumMetrics; m++ {
		q := r.Quality[m]
		if q == QMissing {
			continue
		}
		dst = append(dst, byte(q))
		if m == Sales {
			dst = binary.AppendVarint(dst, r.SalesFen)
			continue
		}
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(r.Num[m]))
		if m.IsRatio() {
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(r.Base[m]))
		}
	}
	return dst
}

// decodeValue fills r's figures from b, leaving the identity fields alone.
func decodeValue(b []byte, r *Record) error {
	if len(b) < 1 || b[0] != codecVersion {
		return errCodec
	}
	b = b[1:]
	id, n := binary.Uvarint(b)
	if n <= 0 {
		return errCodec
	}
	b = b[n:]
	mask, n := binary.Uvarint(b)
	if n <= 0 {
		return errCodec
	}
	b = b[n:]
	r.ImportID = int64(id)
	r.Quality, r.Num, r.Base, r.SalesFen = [NumMetrics]Quality{}, [NumMetrics]float64{}, [NumMetrics]float64{}, 0
	for m := Metric(0); m < NumMetrics; m++ {
		if mask&(1<<m) == 0 {
			continue
		}
		if len(b) < 1 {
			return errCodec
		}
		r.Quality[m] = Quality(b[0])
		b = b[1:]
		if m == Sales {
			v, n := binary.Varint(b)
			if n <= 0 {
				return errCodec
			}
			r.SalesFen, b = v, b[n:]
			continue
		}
		need := 8
		if m.IsRatio() {
			need = 16
		}
		if len(b) < need {
			return errCodec
		}
		r.Num[m] = math.Float64frombits(binary.LittleEndian.Uint64(b))
		if m.IsRatio() {
			r.Base[m] = math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))
		}
		b = b[need:]
	}
	if len(b) != 0 || mask>>NumMetrics != 0 {
		return errCodec
	}
	return nil
}
