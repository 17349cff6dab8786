package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/tepai/tepai/internal/browsertest"
)

// tab is a headless Chromium tab for one test, with every console message
// and browser log entry it produced.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
	expected map[string]bool // URLs whose error status the test asked for
}

// newTab starts a fresh Chromium (its own profile folder) for t; it and
// its reader of the console stop when the test ends, at the latest after
// three minutes.
func newTab(t *testing.T) *tab {
	t.Helper()
	opts := browsertest.Options(t)
	base, stopTimer := context.WithTimeout(context.Background(), 3*time.Minute)
	actx, stopAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, stopTab := chromedp.NewContext(actx)
	tb := &tab{t: t, ctx: ctx, expected: map[string]bool{}}
	if err := chromedp.Do(ctx); err != nil {
		stopTab()
		stopAlloc()
		stopTimer()
		t.Fatalf("start Chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.messages = append(tb.messages, m)
			tb.mu.Unlock()
		}
	}()
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	answered := make(chan struct{})
	go func() { // confirm every dialog (sign-out and lock ask first)
		defer close(answered)
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	t.Cleanup(func() {
		stopTab()
		stopAlloc()
		stopTimer()
		<-done
		<-answered
	})
	return tb
}

// do runs actions, failing the test on error.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// expectError notes that url answers an error status on purpose, so that
// the browser's "failed to load" entry for it is not a failure.
func (b *tab) expectError(url string) {
	b.mu.Lock()
	b.expected[url] = true
	b.mu.Unlock()
}

// noConsoleErrors fails the test for any console error or warning,
// uncaught exception or browser log entry of level warning or error (a
// Content-Security-Policy violation is one), except the failed loads the
// test asked for.
func (b *tab) noConsoleErrors() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.messages {
		if m.IsException() || m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning ||
			m.Source == "security" || strings.Contains(m.Text, "Content Security Policy") {
			if m.Source == "network" && b.expected[m.URL] {
				continue
			}
			b.t.Errorf("console %s (%s) at %s: %s", m.Type, m.Source, m.URL, m.Text)
		}
	}
}

// screenshotDir is where the browser tests leave their screenshots for a
// person to look at (ignored by git).
func screenshotDir(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("testdata", "screenshots"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshots saves what the current page shows on a 1366×768 screen and
// on a 390×844 phone as name-WIDTHxHEIGHT.png.
func (b *tab) screenshots(name string) {
	b.t.Helper()
	dir := screenshotDir(b.t)
	for _, size := range [][2]int64{{1366, 768}, {390, 844}} {
		opts := []chromedp.EmulateViewportOption{}
		if size[0] < 500 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		b.do("resize", chromedp.EmulateViewport(size[0], size[1], opts...))
		png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			b.t.Fatalf("screenshot %s: %v", name, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("%s-%dx%d.png", name, size[0], size[1]))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.do("reset size", chromedp.EmulateViewport(1366, 768))
}
