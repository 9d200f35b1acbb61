// Command sample is the Go service that imgbench packages into each image
// variant. It uses the standard library only, and its endpoints exercise
// exactly what the variants differ in: the system CA pool, time zone data,
// the process's user, a writable /tmp, and self health-checking without a
// shell.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// version is set at build time with -ldflags "-X main.version=..." when wanted.
var version = "dev"

func main() {
	addr := flag.String("addr", envOr("ADDR", ":8080"), "listen address")
	healthcheck := flag.Bool("healthcheck", false, "GET /healthz on -addr and exit 0 if it answers 200 (for images without a shell)")
	panics := flag.Bool("panic", false, "panic at once: shows what a stack trace still names in a stripped binary")
	flag.Parse()

	if *healthcheck {
		os.Exit(runHealthcheck(*addr))
	}
	if *panics {
		panicOnPurpose()
	}

	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	srv := &http.Server{
		Addr:              *addr,
		Handler:           newServer(logger, newStore()).routes(),
		ReadHeaderTimeout: 5 * time.Second,
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("listening", "addr", *addr, "version", version, "uid", os.Getuid())

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			logger.Error("server stopped", "err", err)
			os.Exit(1)
		}
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			logger.Error("shutdown", "err", err)
			os.Exit(1)
		}
	}
}

// panicOnPurpose is named so that a trace can be checked for it: Go's
// runtime prints function names from its own tables, which -s -w keep.
func panicOnPurpose() {
	panic("imgbench: a panic on purpose (-panic)")
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// runHealthcheck lets HEALTHCHECK or an exec probe work on scratch and
// distroless, which have no shell and no curl.
func runHealthcheck(addr string) int {
	host := addr
	if len(host) > 0 && host[0] == ':' {
		host = "127.0.0.1" + host
	}
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + host + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck: status", resp.StatusCode)
		return 1
	}
	return 0
}
