package web_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/tepai/tepai/internal/browsertest"
)

// figuresShownJS runs at the start of every document the benchmark's tabs
// open. At the first animation frame in which the page's headline figures
// (.totals [data-figure]) are all parsed (the parser is past their block,
// or done), laid out and visible, it keeps performance.now() in
// window.__tepaiFiguresShown: milliseconds since the navigation started,
// by the browser's own clock.
const figuresShownJS = `(() => {
  if (window.top !== window) return;
  const check = () => {
    const block = document.querySelector(".totals");
    if (block && (block.nextElementSibling || document.readyState !== "loading")) {
      const figs = [...block.querySelectorAll("[data-figure]")];
      if (figs.length > 0 && figs.every((e) => e.checkVisibility())) {
        window.__tepaiFiguresShown = performance.now();
        return;
      }
    }
    if (performance.now() < 60000) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`

// shownJS waits (at most ten seconds, by animation frames) for
// figuresShownJS's mark and returns it with the document's Navigation
// Timing responseEnd (its last byte) and the address the tab is on.
const shownJS = `new Promise((resolve) => {
  const t0 = performance.now();
  const wait = () => {
    if (window.__tepaiFiguresShown === undefined && performance.now() - t0 < 10000) {
      requestAnimationFrame(wait);
      return;
    }
    const nav = performance.getEntriesByType("navigation")[0];
    resolve({shown: window.__tepaiFiguresShown ?? -1, responseEnd: nav ? nav.responseEnd : -1,
      at: location.pathname + location.search});
  };
  wait();
})`

// shownTiming is what shownJS returns.
type shownTiming struct {
	Shown       float64 `json:"shown"`
	ResponseEnd float64 `json:"responseEnd"`
	At          string  `json:"at"`
}

// BenchmarkPagesBrowser times, in headless Chromium on loopback, each page
// of BenchmarkPages from navigation start to its headline figures shown,
// as the page itself measures it (figuresShownJS); it reports the mean and
// the 50th and 95th percentiles of that (shown-ms), and the median of the
// document's responseEnd. ns/op is the whole navigation as the test sees
// it, DevTools round trips included. Each user has its own browser
// context, signed in through the form once; the stylesheet and script are
// in the browser's cache after the first page, as for a real user.
func BenchmarkPagesBrowser(b *testing.B) {
	opts := browsertest.Options(b)
	sites := benchSites(b)
	base, stopTimer := context.WithTimeout(context.Background(), 20*time.Minute)
	actx, stopAlloc := chromedp.NewExecAllocator(base, opts...)
	root, stopRoot := chromedp.NewContext(actx)
	b.Cleanup(func() { stopRoot(); stopAlloc(); stopTimer() })
	if err := chromedp.Do(root); err != nil {
		b.Fatalf("start Chromium: %v", err)
	}
	for _, site := range sites {
		tabs := map[benchUser]context.Context{}
		for _, pg := range site.pages {
			if tabs[pg.who] == nil {
				tabs[pg.who] = benchTab(b, root, site.env.Server.URL, pg.who)
			}
		}
		for _, pg := range site.pages {
			ctx, u := tabs[pg.who], site.env.Server.URL+pg.path
			b.Run(site.name+"/"+pg.name, func(b *testing.B) {
				var shown, responseEnd []float64
				for b.Loop() {
					res, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
					if err != nil {
						b.Fatalf("open %s: %v", pg.path, err)
					}
					if res.Status != 200 {
						b.Fatalf("open %s: status %d", pg.path, res.Status)
					}
					m, err := chromedp.Run(ctx, chromedp.Evaluate[shownTiming](shownJS, chromedp.EvalAwaitPromise))
					if err != nil {
						b.Fatalf("%s: %v", pg.path, err)
					}
					if m.At != pg.path || m.Shown < 0 {
						b.Fatalf("%s: no figures shown within 10 s (the tab is at %s)", pg.path, m.At)
					}
					shown, responseEnd = append(shown, m.Shown), append(responseEnd, m.ResponseEnd)
				}
				var sum float64
				for _, v := range shown {
					sum += v
				}
				b.ReportMetric(sum/float64(len(shown)), "shown-ms")
				b.ReportMetric(nearestRank(shown, 0.50), "shown-p50-ms")
				b.ReportMetric(nearestRank(shown, 0.95), "shown-p95-ms")
				b.ReportMetric(nearestRank(responseEnd, 0.50), "response-end-p50-ms")
			})
		}
	}
}

// benchTab opens a tab in a browser context of its own, with
// figuresShownJS on every document, and signs who in through the form.
func benchTab(b *testing.B, root context.Context, base string, who benchUser) context.Context {
	b.Helper()
	ctx, stop := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	b.Cleanup(stop)
	if err := chromedp.Do(ctx); err != nil {
		b.Fatalf("open tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: figuresShownJS}); err != nil {
		b.Fatalf("add script: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=phone]`), who.phone),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), who.password)); err != nil {
		b.Fatalf("open sign-in: %v", err)
	}
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.stack button[type=submit]`)))
	if err != nil {
		b.Fatalf("sign in: %v", err)
	}
	at, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || res.Status != 200 || at == base+"/login" {
		b.Fatalf("sign in %s: %d at %s (%v)", who.phone, res.Status, at, err)
	}
	b.Cleanup(func() { // end the session
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/logout")); err != nil {
			b.Errorf("sign out %s: %v", who.phone, err)
			return
		}
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`section.card form[action="/logout"] button`))); err != nil {
			b.Errorf("sign out %s: %v", who.phone, err)
		}
	})
	return ctx
}

// nearestRank is the p-th percentile of vs by nearest rank.
func nearestRank(vs []float64, p float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	i := int(float64(len(s))*p+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}
