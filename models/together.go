package models

import (
	"errors"
	"sync"
)

// Together runs fns at once and returns their errors joined, after all
// have returned. Reads that do not depend on each other run so on
// connections of their own, and a page waits for the slowest of them
// rather than for their sum.
func Together(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
