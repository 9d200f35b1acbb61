package main

import (
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// probeCA loads the system CA pool the way an HTTPS client would. On an
// image without a CA bundle this is where "x509: certificate signed by
// unknown authority" comes from.
func probeCA(w http.ResponseWriter, _ *http.Request) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": err.Error()})
		return
	}
	// Subjects is deprecated for pools that may hold platform roots, but on
	// Linux the system pool is read from files, so the count is exact.
	n := len(pool.Subjects())
	writeJSON(w, http.StatusOK, map[string]any{"ok": n > 0, "certificates": n})
}

// probeTZ loads a named zone from the image's zoneinfo. The service does not
// import time/tzdata on purpose: the image must provide the data.
func probeTZ(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "Europe/Berlin"
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "zone": name, "error": err.Error()})
		return
	}
	zone, offset := time.Date(2026, time.July, 1, 12, 0, 0, 0, loc).Zone()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "zone": name, "abbreviation": zone, "offsetSeconds": offset})
}

func probeUser(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"uid": os.Getuid(), "gid": os.Getgid(), "euid": os.Geteuid(), "root": os.Geteuid() == 0,
	})
}

// probeTmp writes, reads back and removes a file under os.TempDir(); scratch
// images have no /tmp at all.
func probeTmp(w http.ResponseWriter, _ *http.Request) {
	dir := os.TempDir()
	f, err := os.CreateTemp(dir, "probe-*")
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "dir": dir, "error": err.Error()})
		return
	}
	name := f.Name()
	defer os.Remove(name)
	_, werr := f.WriteString("imgbench")
	cerr := f.Close()
	data, rerr := os.ReadFile(name)
	ok := werr == nil && cerr == nil && rerr == nil && string(data) == "imgbench"
	writeJSON(w, http.StatusOK, map[string]any{"ok": ok, "dir": dir, "file": filepath.Base(name)})
}
