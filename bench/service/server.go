package main

import (
	"compress/gzip"
	"encoding/json"
	"expvar"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"
)

var (
	requestsTotal = expvar.NewInt("requests_total")
	startedAt     = time.Now()
)

type server struct {
	log   *slog.Logger
	items *store
}

func newServer(log *slog.Logger, items *store) *server {
	return &server{log: log, items: items}
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /api/info", s.info)
	mux.HandleFunc("GET /api/items", s.listItems)
	mux.HandleFunc("POST /api/items", s.createItem)
	mux.HandleFunc("GET /api/items/{id}", s.getItem)
	mux.HandleFunc("GET /probe/ca", probeCA)
	mux.HandleFunc("GET /probe/tz", probeTZ)
	mux.HandleFunc("GET /probe/user", probeUser)
	mux.HandleFunc("GET /probe/tmp", probeTmp)
	mux.Handle("GET /debug/vars", expvar.Handler())
	return s.logRequests(gzipJSON(mux))
}

func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *server) info(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"version":   version,
		"goVersion": runtime.Version(),
		"uptimeMs":  time.Since(startedAt).Milliseconds(),
		"items":     s.items.len(),
	})
}

func (s *server) listItems(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.items.list())
}

func (s *server) getItem(w http.ResponseWriter, r *http.Request) {
	item, ok := s.items.get(r.PathValue("id"))
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such item"})
		return
	}
	writeJSON(w, http.StatusOK, item)
}

func (s *server) createItem(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name       string `json:"name"`
		PriceCents int64  `json:"priceCents"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || strings.TrimSpace(in.Name) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "expected {\"name\": string, \"priceCents\": int}"})
		return
	}
	writeJSON(w, http.StatusCreated, s.items.add(in.Name, in.PriceCents))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		requestsTotal.Add(1)
		if r.URL.Path != "/healthz" {
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "durationMs", time.Since(start).Milliseconds())
		}
	})
}

type gzipWriter struct {
	http.ResponseWriter
	zw *gzip.Writer
}

func (g gzipWriter) Write(b []byte) (int, error) { return g.zw.Write(b) }

func gzipJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Add("Vary", "Accept-Encoding")
		zw := gzip.NewWriter(w)
		defer zw.Close()
		next.ServeHTTP(gzipWriter{ResponseWriter: w, zw: zw}, r)
	})
}
