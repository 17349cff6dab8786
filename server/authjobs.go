package server

import (
	"context"
	"time"
)

// purgeLoginCounters deletes, once per login window, the rate-limit
// counters whose window has long passed, so that the table does not keep
// every phone and IP ever seen. Deleting is idempotent, so every replica
// may run it.
func (a *App) purgeLoginCounters(ctx context.Context) {
	window := a.Deps.Config.LoginWindow
	if window <= 0 {
		window = 15 * time.Minute
	}
	t := time.NewTicker(window)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := a.Deps.DB.PurgeHits(ctx, window); err != nil && ctx.Err() == nil {
				a.Deps.Log.Warn("purge login counters", "err", err)
			}
		}
	}
}
