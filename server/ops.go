package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/tepai/tepai/docs"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/openapi"
)

// registerOps mounts the unauthenticated operational endpoints.
func registerOps(e *echo.Echo, d handlers.Deps, reg *prometheus.Registry) {
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "tepai_db_tx_retries_total",
			Help: "Transactions and statements run again after the database gave up on them (deadlock, lock wait timeout, cluster certification failure, TiDB write conflict).",
		}, func() float64 { return float64(d.DB.TxRetries()) }))
	// The pool's connections in use and the time requests waited for one
	// (go_sql_wait_duration_seconds_total): whether a slow request queued
	// for a connection or in the database.
	if sqlDB, err := d.DB.DB.DB(); err == nil {
		reg.MustRegister(collectors.NewDBStatsCollector(sqlDB, "tepai"))
	}
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
		defer cancel()
		checks := map[string]string{"database": "ok", "photo_store": "ok"}
		status := http.StatusOK
		if err := d.DB.Ping(ctx); err != nil {
			checks["database"], status = "down", http.StatusServiceUnavailable
			handlers.Logger(c).Warn("readyz: database down", "err", err)
		}
		if err := d.Store.Ping(ctx); err != nil {
			checks["photo_store"], status = "down", http.StatusServiceUnavailable
			handlers.Logger(c).Warn("readyz: photo store down", "err", err)
		}
		return c.JSON(status, map[string]any{"status": map[bool]string{true: "ready", false: "unavailable"}[status == http.StatusOK], "checks": checks})
	})
	// The gzip middleware compresses /metrics; promhttp must not again.
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, DisableCompression: true})))
	e.GET("/openapi.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openapi.JSON())
	})
	docs.Register(e)
}
