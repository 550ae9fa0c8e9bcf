package kpi

import (
	"strings"

	"github.com/banzu-bot/banzu/config"
)

// Resolver maps a shop account (旺旺 / 子账号 / 客服昵称 / 客服账号) to a
// member id of the team.
type Resolver interface {
	Resolve(account string) (memberID string, ok bool)
}

// MapResolver resolves through a fixed map from account to member id.
type MapResolver map[string]string

// Resolve implements Resolver.
func (m MapResolver) Resolve(account string) (string, bool) {
	id, ok := m[account]
	return id, ok
}

// NewRosterResolver resolves a team's members by id, display name and
// aliases (shop sub-accounts such as "旗舰店:小王"). Aliases win over names
// and names over ids when they collide.
func NewRosterResolver(members []config.Member) MapResolver {
	m := MapResolver{}
	for _, mem := range members {
		if id := strings.TrimSpace(mem.ID); id != "" {
			m[id] = mem.ID
		}
	}
	for _, mem := range members {
		if n := strings.TrimSpace(mem.Name); n != "" {
			m[n] = mem.ID
		}
	}
	for _, mem := range members {
		for _, a := range mem.Aliases {
			if a = strings.TrimSpace(a); a != "" {
				m[a] = mem.ID
			}
		}
	}
	return m
}

// agentResolver wraps a Resolver with the importer's matching rules and a
// per-import cache, so that resolving a row allocates nothing once its shop
// and account were seen.
type agentResolver struct {
	res   Resolver
	cache map[string]map[string]resolved // shop -> account -> result
}

type resolved struct {
	id string
	ok bool
}

func newAgentResolver(res Resolver) *agentResolver {
	return &agentResolver{res: res, cache: map[string]map[string]resolved{}}
}

// resolve tries, in order: "shop:account" when the file has a shop column, the
// account as written, then the part after a colon ("旗舰店:小王" -> "小王").
func (a *agentResolver) resolve(shop, account string) (string, bool) {
	byAcct := a.cache[shop]
	if r, ok := byAcct[account]; ok {
		return r.id, r.ok
	}
	if byAcct == nil {
		byAcct = map[string]resolved{}
		a.cache[strings.Clone(shop)] = byAcct
	}
	var r resolved
	if shop != "" && !strings.ContainsAny(account, ":：") {
		r.id, r.ok = a.res.Resolve(shop + ":" + account)
	}
	if !r.ok {
		r.id, r.ok = a.res.Resolve(account)
	}
	if !r.ok {
		if i := strings.LastIndexAny(account, ":："); i >= 0 {
			rest := account[i+1:]
			if account[i] != ':' {
				rest = account[i+len("："):]
			}
			if rest = trimCell(rest); rest != "" {
				r.id, r.ok = a.res.Resolve(rest)
			}
		}
	}
	if len(byAcct) < 10000 {
		byAcct[strings.Clone(account)] = r
	}
	return r.id, r.ok
}
