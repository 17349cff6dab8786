package web_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/tepai/tepai/internal/testenv"
)

// signIn fills and submits the sign-in form in the browser and returns the
// status of the page it ends on.
func (b *tab) signIn(base, phone, password string) int64 {
	b.t.Helper()
	b.do("open sign-in", chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=phone]`), phone),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password))
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`form.stack button[type=submit]`)))
	if err != nil {
		b.t.Fatalf("sign in: %v", err)
	}
	return res.Status
}

// click follows a link and returns the status of the page it opens.
func (b *tab) click(sel string) int64 {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	return res.Status
}

// location is the page's path and query.
func (b *tab) location(base string) string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(u, base)
}

// figuresIn reads the data-figure values inside the elements sel selects,
// as the page's scripts would.
func (b *tab) figuresIn(sel string) map[string]float64 {
	b.t.Helper()
	js := `Object.fromEntries([...document.querySelectorAll(` + "`" + sel + ` [data-figure]` + "`" +
		`)].map(e => [e.dataset.figure, Number(e.dataset.value)]))`
	m, err := chromedp.Run(b.ctx, chromedp.Evaluate[map[string]float64](js))
	if err != nil {
		b.t.Fatalf("figures of %s: %v", sel, err)
	}
	return m
}

// TestBrowserCoverageWalk signs a bureau user in through the form (after a
// wrong password), drills down from the county to a township, a village
// and a visit with its photo, checks every figure against the API and the
// hand-worked values, downloads the CSV, signs out, and checks that a
// township user cannot open another township's village; no page may log
// an error or a CSP violation. Screenshots of each page are left in
// web/testdata/screenshots.
func TestBrowserCoverageWalk(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		b := newTab(t)
		f := newFixture(t, env)
		base := env.Server.URL
		shots := env.Backend + "-"

		b.expectError(base + "/login")
		if st := b.signIn(base, f.bureau.User.Phone, "wrong-password"); st != 401 {
			t.Fatalf("wrong password: status %d", st)
		}
		msg, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("login-error")))
		if err != nil || !strings.Contains(msg, "手机号或密码错误") {
			t.Fatalf("wrong password message %q (%v)", msg, err)
		}
		b.screenshots(shots + "login-wrong-password")

		if st := b.signIn(base, f.bureau.User.Phone, f.bureau.Password); st != 200 {
			t.Fatalf("sign in: status %d", st)
		}
		if loc := b.location(base); !strings.HasPrefix(loc, "/coverage?region=330824&year=") {
			t.Fatalf("landed at %s", loc)
		}
		start := time.Now()
		b.do("2025", chromedp.Navigate(base+"/coverage?region=330824&year=2025"))
		t.Logf("county coverage: navigation to figures shown (load event) in %v", time.Since(start))
		b.checkCoverage(env, f, county)
		b.screenshots(shots + "coverage-county")

		if st := b.click(`#children tr[data-code="330824202"] a`); st != 200 {
			t.Fatalf("drill down to 中村乡: %d", st)
		}
		if loc := b.location(base); loc != "/coverage?region=330824202&year=2025" {
			t.Fatalf("drill-down went to %s", loc)
		}
		b.checkCoverage(env, f, zhongcun)
		b.screenshots(shots + "coverage-township")

		b.downloadCSV(`#children + p a[href$="format=csv"], .card p .exports a[href*="stats/coverage?"][href$="format=csv"]`, xifan+",西畈村委会,1,1,1")

		if st := b.click(`#children tr[data-code="` + xifan + `"] a`); st != 200 {
			t.Fatalf("open 西畈: %d", st)
		}
		b.screenshots(shots + "village")
		if st := b.click(`.feed a[href="/visits/` + f.firstVisit.ID + `"]`); st != 200 {
			t.Fatalf("open the visit: %d", st)
		}
		loaded, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](
			`[...document.images].length > 0 && [...document.images].every(i => i.complete && i.naturalWidth > 0)`))
		if err != nil || !loaded {
			t.Errorf("the visit's photo did not load (%v)", err)
		}
		b.screenshots(shots + "visit")
		for _, pg := range []struct{ name, path string }{
			{"activity", "/activity?region=330824&year=2025"},
			{"services", "/services?region=330824&year=2025"},
			{"income", "/income?region=330824&year=2025"},
			{"people", "/people?region=330824&township=330824205"},
			{"report", "/report?region=330824&year=2025"},
			{"password", "/password"},
		} {
			if res, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(base+pg.path)); err != nil || res.Status != 200 {
				t.Fatalf("%s: %v %v", pg.path, res, err)
			}
			b.screenshots(shots + pg.name)
		}

		b.printA4(shots + "report")

		b.click(`#signout`)
		if loc := b.location(base); loc != "/login" {
			t.Fatalf("after sign-out at %s", loc)
		}
		b.do("coverage when signed out", chromedp.Navigate(base+"/coverage"))
		if loc := b.location(base); !strings.HasPrefix(loc, "/login") {
			t.Fatalf("signed out, /coverage showed %s", loc)
		}

		b.signIn(base, f.township.User.Phone, f.township.Password)
		if loc := b.location(base); !strings.HasPrefix(loc, "/coverage?region=330824202&year=") {
			t.Fatalf("township user landed at %s", loc)
		}
		other := base + "/villages/" + beiyuan
		b.expectError(other)
		res, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(other))
		if err != nil || res.Status != 404 {
			t.Fatalf("another township's village: %v %v", res, err)
		}
		b.noConsoleErrors()
	})
}

// checkCoverage compares the page's totals and child rows with the API's
// figures for the same region and year and with the hand-worked ones.
func (b *tab) checkCoverage(env *testenv.Env, f *fixture, region string) {
	b.t.Helper()
	totals, children := apiFigures(b.t, env, f.bureau.Token, region)
	sameFigures(b.t, region, b.figuresIn(".totals"), totals, coverage2025[region].figures())
	for code, hand := range coverage2025 {
		if api, ok := children[code]; ok {
			sameFigures(b.t, code, b.figuresIn(`#children tr[data-code="`+code+`"]`), api, hand.figures())
		}
	}
}

// downloadCSV clicks a CSV link and checks the file the browser saved.
func (b *tab) downloadCSV(sel, wantLine string) {
	b.t.Helper()
	dir := b.t.TempDir()
	_, err := chromedp.CallBrowser(b.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true)})
	if err != nil {
		b.t.Fatalf("allow downloads: %v", err)
	}
	progress := chromedp.BrowserEvents(b.ctx, browser.DownloadProgress)
	b.do("click CSV", chromedp.Click(chromedp.CSS(sel)))
	var guid string
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			b.t.Fatal("download canceled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	body, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		b.t.Fatalf("downloaded file: %v", err)
	}
	if !strings.Contains(string(body), wantLine) {
		b.t.Errorf("CSV lacks %q:\n%s", wantLine, body)
	}
}

// printA4 prints the current page as the browser would on A4 paper (the
// print stylesheet) and saves the PDF beside the screenshots.
func (b *tab) printA4(name string) {
	b.t.Helper()
	pdf, err := chromedp.Run(b.ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: new(true)})
		return res.Data, err
	})
	if err != nil {
		b.t.Fatalf("print: %v", err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		b.t.Fatalf("print made no PDF")
	}
	if err := os.WriteFile(filepath.Join(screenshotDir(b.t), name+"-A4.pdf"), pdf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
