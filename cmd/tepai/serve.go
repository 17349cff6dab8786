package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/tepai/tepai/config"
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
	log.Info("tepai listening", "addr", ln.Addr().String(), "config", cfg.String())
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	return serveUntil(ctx, app, ln, log, shutdownGrace)
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
