package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/priority"
	"github.com/tepai/tepai/server"
)

const serveAbout = `Runs the API server: migrates the database (unless -no-migrate), creates the
admin from -admin-phone/-admin-password on first start, and serves until
SIGINT or SIGTERM, then finishes the requests in flight. Logs are JSON lines
on stdout. With no configuration it runs on SQLite and local disk under ./data.`

// shutdownGrace bounds how long a stopping server waits for the requests in
// flight.
const shutdownGrace = 30 * time.Second

func serve(args []string, stdout, stderr io.Writer) error {
	cfg, err := parse("serve", serveAbout, args, stderr, nil)
	if err != nil {
		return err
	}
	log := newLogger(stdout, cfg.LogLevel)
	if n := schedulerProcs(os.Getenv("GOMAXPROCS")); n > 0 {
		runtime.GOMAXPROCS(n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	app, err := server.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("tepai listening", "addr", ln.Addr().String(), "gomaxprocs", runtime.GOMAXPROCS(0), "config", cfg.String())
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	return serveUntil(ctx, app, ln, log, shutdownGrace)
}

// schedulerProcs is the GOMAXPROCS tepai serve runs with, unless
// GOMAXPROCS is set (0: leave it): a P for each core, for requests, on top
// of one for each password check that may run at once
// (auth.PasswordSlots). A bcrypt check computes for about 60 ms without a
// pause. While the checks held every P, a request woken by the database
// waited for Go's 10 ms time slice to end before it ran again, and a sync
// push is a dozen such wake-ups. With a P to spare the kernel shares the
// cores among the checks, the requests and the database, and a woken
// request runs within the kernel's wake-up latency. At a herd start (200
// phones signing in within 10 s, scripts/bench, two cores) push p99 went
// from 1.1–4.8 s to 0.49–0.64 s; the sign-ins, which then share the
// cores, took longer: 5.1–5.7 s at the median against 2.5–4.7 s.
func schedulerProcs(env string) int {
	if env != "" {
		return 0
	}
	return priority.Cores + auth.PasswordSlots
}

// serveDebug serves net/http/pprof on cfg.DebugAddr (a loopback address,
// checked by the configuration) until the returned stop is called.
func serveDebug(cfg config.Config, log *slog.Logger) (stop func(), err error) {
	dl, err := net.Listen("tcp", cfg.DebugAddr)
	if err != nil {
		return nil, fmt.Errorf("debug listener: %w", err)
	}
	log.Info("debug listening", "addr", dl.Addr().String())
	srv := server.DebugServer(cfg, log)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(dl); err != nil && err != http.ErrServerClosed {
			log.Error("debug listener", "err", err)
		}
	}()
	return func() {
		_ = srv.Close()
		<-done
	}, nil
}

// serveUntil serves app on ln until ctx ends; then it stops taking
// connections, lets the requests in flight finish (for at most grace) and
// stops the background jobs.
func serveUntil(ctx context.Context, app *server.App, ln net.Listener, log *slog.Logger, grace time.Duration) error {
	srv := server.HTTPServer(app.Echo, app.Deps.Config, log)
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	app.StartBackground(bg)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	stopBG()
	app.Wait()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
