package server

import (
	"context"
	"sync"

	"github.com/tepai/tepai/photos"
)

// background tracks the periodic jobs a server runs beside its requests.
type background struct {
	wg sync.WaitGroup
}

// StartBackground starts the periodic jobs (thumbnails, orphan sweeps);
// they stop when ctx ends. Each job claims its work in the database, so
// several replicas may run them at once.
func (a *App) StartBackground(ctx context.Context) {
	for _, job := range a.jobs() {
		a.bg.wg.Add(1)
		go func() {
			defer a.bg.wg.Done()
			job(ctx)
		}()
	}
}

// Wait blocks until the background jobs have stopped.
func (a *App) Wait() { a.bg.wg.Wait() }

// jobs lists the background jobs.
func (a *App) jobs() []func(context.Context) {
	ph := photos.New(a.Deps.DB, a.Deps.Store, a.Deps.Config, a.Deps.Log)
	return []func(context.Context){a.purgeLoginCounters, ph.RunThumbnails, ph.RunSweeps}
}
