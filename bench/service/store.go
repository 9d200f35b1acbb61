package main

import (
	"slices"
	"strconv"
	"sync"
)

type item struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	PriceCents int64  `json:"priceCents"`
}

// store is an in-memory catalogue: enough state for JSON endpoints to do
// real work under load without an external database.
type store struct {
	mu    sync.RWMutex
	next  int
	items map[string]item
}

func newStore() *store {
	s := &store{items: map[string]item{}}
	for _, name := range []string{"espresso", "flat white", "cortado"} {
		s.add(name, 300)
	}
	return s
}

func (s *store) add(name string, priceCents int64) item {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	it := item{ID: strconv.Itoa(s.next), Name: name, PriceCents: priceCents}
	s.items[it.ID] = it
	return it
}

func (s *store) get(id string) (item, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	it, ok := s.items[id]
	return it, ok
}

func (s *store) list() []item {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]item, 0, len(s.items))
	for _, it := range s.items {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b item) int { return compareIDs(a.ID, b.ID) })
	return out
}

func (s *store) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.items)
}

func compareIDs(a, b string) int {
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return x - y
}
