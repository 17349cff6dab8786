package server

import (
	"log/slog"
	"net/http"
	"net/http/pprof"

	"github.com/tepai/tepai/config"
)

// HTTPServer returns the http.Server that serves h: the one tepai serve
// runs and the one tests start, with the same timeouts. A client that
// does not finish its headers within cfg.ReadHeaderTimeout, and a
// kept-alive connection idle for cfg.IdleTimeout, are disconnected. There
// is deliberately no read or write timeout on whole requests: an export of
// a province streams for minutes and a phone on a weak signal uploads a
// photo slowly; tus uploads set per-read deadlines of their own.
func HTTPServer(h http.Handler, cfg config.Config, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// DebugServer returns the server of net/http/pprof under /debug/pprof/,
// for the loopback listener of cfg.DebugAddr: never on the API's listener,
// so that profiles are out of reach of the network.
func DebugServer(cfg config.Config, log *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return HTTPServer(mux, cfg, log)
}
