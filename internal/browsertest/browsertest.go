// Package browsertest starts headless Chromium for the browser tests, one
// way for every package that has them.
package browsertest

import (
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Chromium finds the browser: /usr/bin/chromium (Debian's package) or
// chromium on the PATH. Without it the browser tests skip on a developer's
// machine and fail in CI (CI=true), which installs it.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is not installed; CI must install it: apt-get install -y chromium")
	}
	t.Skip("Chromium is not installed; install it to run the browser tests: apt-get install -y chromium")
	return ""
}

// Options are the flags the browser tests start Chromium with: headless,
// no sandbox (containers), its own profile folder for t, nothing running
// in the background, Chinese as the page language.
func Options(t testing.TB) []chromedp.ExecAllocatorOption {
	t.Helper()
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true), chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"), chromedp.WindowSize(1366, 768),
	}
}
