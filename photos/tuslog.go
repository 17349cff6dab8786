package photos

import (
	"context"
	"log/slog"

	xslog "golang.org/x/exp/slog"
)

// tusLog hands tusd's log lines (an older slog API) to the server's
// logger, keeping warnings and errors only: tusd logs every request at
// info level, and the access log already has those.
type tusLog struct {
	h slog.Handler
}

func newTusLogger(log *slog.Logger) *xslog.Logger {
	return xslog.New(tusLog{h: log.Handler()})
}

func (t tusLog) Enabled(ctx context.Context, l xslog.Level) bool {
	return l >= xslog.LevelWarn && t.h.Enabled(ctx, slog.Level(l))
}

func (t tusLog) Handle(ctx context.Context, r xslog.Record) error {
	rec := slog.NewRecord(r.Time, slog.Level(r.Level), "tus: "+r.Message, r.PC)
	r.Attrs(func(a xslog.Attr) bool {
		rec.AddAttrs(slog.Any(a.Key, a.Value.Any()))
		return true
	})
	return t.h.Handle(ctx, rec)
}

func (t tusLog) WithAttrs(attrs []xslog.Attr) xslog.Handler {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = slog.Any(a.Key, a.Value.Any())
	}
	return tusLog{h: t.h.WithAttrs(out)}
}

func (t tusLog) WithGroup(name string) xslog.Handler { return tusLog{h: t.h.WithGroup(name)} }
