package knowledge

import (
	"math"
	"sort"
)

// Field weights and BM25 parameters. A term in the question counts three
// times one in the answer; tags and similar questions sit between.
const (
	wQuestion = 3.0
	wSimilar  = 2.5
	wTags     = 2.0
	wAnswer   = 1.0
	bm25K1    = 1.2
	bm25B     = 0.6
	// A unigram matters less than a bigram: it only decides between entries
	// with the same bigrams, or matches a one-character query.
	unigramWeight = 0.35
	// minCoverage is the least share of the query an entry must hold.
	minCoverage = 0.4
)

// Index ranks entries for a query. It is immutable once built and safe for
// concurrent use.
type Index struct {
	docs     []*Entry
	postings map[string][]posting // term -> docs holding it
	feats    []map[string]int     // per doc: question features (for Similar)
	simFeats [][]map[string]int   // per doc: similar-question features
}

type posting struct {
	doc int32
	tf  float32 // field-weighted, length-normalised term frequency
}

// Hit is one ranked search result.
type Hit struct {
	Entry *Entry
	Score float64
}

// Match is an entry whose question resembles another question.
type Match struct {
	Entry *Entry
	Score float64 // Dice similarity in [0, 1]
}

type field struct {
	weight float64
	text   func(e *Entry) []string
}

var fields = []field{
	{wQuestion, func(e *Entry) []string { return []string{e.Question} }},
	{wSimilar, func(e *Entry) []string { return e.Similar }},
	{wTags, func(e *Entry) []string { return e.Tags }},
	{wAnswer, func(e *Entry) []string { return []string{e.Answer} }},
}

// NewIndex indexes entries (any state; Search filters).
func NewIndex(entries []*Entry) *Index {
	idx := &Index{docs: entries, postings: map[string][]posting{},
		feats: make([]map[string]int, len(entries)), simFeats: make([][]map[string]int, len(entries))}
	count := func(string, bool) {}
	// Pass 1: the average length of each field.
	avg := make([]float64, len(fields))
	for fi, f := range fields {
		total := 0
		for _, e := range entries {
			for _, s := range f.text(e) {
				total += terms(s, count)
			}
		}
		avg[fi] = 1
		if total > 0 {
			avg[fi] = float64(total) / float64(len(entries))
		}
	}
	// Pass 2: each doc's weighted, length-normalised term frequencies.
	tf := map[string]float64{}
	for di, e := range entries {
		idx.feats[di] = features(e.Question)
		for _, s := range e.Similar {
			idx.simFeats[di] = append(idx.simFeats[di], features(s))
		}
		clear(tf)
		for fi, f := range fields {
			n := 0
			for _, s := range f.text(e) {
				n += terms(s, count)
			}
			w := f.weight / (1 - bm25B + bm25B*float64(n)/avg[fi])
			for _, s := range f.text(e) {
				terms(s, func(term string, bigram bool) {
					if bigram {
						tf[term] += w
					} else {
						tf[term] += w * unigramWeight
					}
				})
			}
		}
		for k, v := range tf {
			idx.postings[k] = append(idx.postings[k], posting{doc: int32(di), tf: float32(v)})
		}
	}
	return idx
}

// Len is the number of indexed entries.
func (idx *Index) Len() int { return len(idx.docs) }

// Search returns up to limit entries in state approved ranked for query, best
// first. Entries scoring far below the best are left out.
func (idx *Index) Search(query string, limit int) []Hit {
	return idx.search(query, limit, minCoverage)
}

func (idx *Index) search(query string, limit int, minCoverage float64) []Hit {
	q := Analyze(query)
	n := float64(len(idx.docs))
	if n == 0 {
		return nil
	}
	scores := make(map[int32]float64)
	// covered is the share (by idf) of the query's characters and words an
	// entry holds: one shared character of a long query is not a match.
	covered := make(map[int32]float64)
	idfOf := func(df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }
	add := func(term string, qtf int, weight float64, unigram bool) float64 {
		ps := idx.postings[term]
		idf := idfOf(float64(len(ps)))
		for _, p := range ps {
			tf := float64(p.tf)
			scores[p.doc] += weight * float64(qtf) * idf * tf * (bm25K1 + 1) / (tf + bm25K1)
			if unigram {
				covered[p.doc] += idf
			}
		}
		return idf
	}
	for k, v := range q.Bigrams {
		add(k, v, 1, false)
	}
	total := 0.0
	for k, v := range q.Unigrams {
		idf := add(k, v, unigramWeight, true)
		if len(idx.postings[k]) == 0 {
			idf /= 2 // a character no entry has says little about the entries
		}
		total += idf
	}
	for d := range scores {
		if total > 0 && covered[d]/total < minCoverage {
			delete(scores, d)
		}
	}
	hits := make([]Hit, 0, len(scores))
	for d, s := range scores {
		if idx.docs[d].State == Approved {
			hits = append(hits, Hit{Entry: idx.docs[d], Score: s})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Entry.ID < hits[j].Entry.ID
	})
	if len(hits) > 0 {
		floor := hits[0].Score * 0.2
		cut := len(hits)
		for i, h := range hits {
			if h.Score < floor {
				cut = i
				break
			}
		}
		hits = hits[:cut]
	}
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// Similar returns entries (pending or approved) whose question or one of whose
// similar questions resembles question with a similarity of at least min,
// best first, at most limit, leaving out the entry exclude.
func (idx *Index) Similar(question string, min float64, limit int, exclude int64) []Match {
	qf := features(question)
	var out []Match
	for di, e := range idx.docs {
		if e.ID == exclude || (e.State != Approved && e.State != Pending) {
			continue
		}
		best := dice(qf, idx.feats[di])
		for _, sf := range idx.simFeats[di] {
			best = max(best, dice(qf, sf))
		}
		if best >= min {
			out = append(out, Match{Entry: e, Score: best})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Entry.ID < out[j].Entry.ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
