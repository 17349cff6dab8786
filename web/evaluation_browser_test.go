package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/tepai/tepai/internal/testenv"
)

// TestBrowserEvaluation runs, adjusts and locks the county's 2025
// evaluation in the browser as a bureau user: the ranked list appears with
// the API's scores, an adjustment of +5 shows at once, the lock asks for
// confirmation (the dialog is accepted) and leaves no form to change it;
// no page logs an error. Screenshots of the list and a scorecard.
func TestBrowserEvaluation(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		b := newTab(t)
		f := newFixture(t, env)
		base := env.Server.URL
		shots := env.Backend + "-"
		b.signIn(base, f.bureau.User.Phone, f.bureau.Password)
		b.do("open evaluation", chromedp.Navigate(base+"/evaluations/2025?region=330824"))
		if st := b.click(`#run`); st != 200 {
			t.Fatalf("run: %d", st)
		}
		scores, _, _ := apiScores(t, env, f.bureau.Token)
		a := f.a.Commissioner.ID
		if got := b.figuresIn(`#ranking tr[data-code="` + a + `"]`)["score"]; got != scores[a] {
			t.Fatalf("A's score on the page %v, API %v", got, scores[a])
		}
		b.do("fill adjustment",
			chromedp.SetValue(chromedp.CSS(`#adjust select[name=commissioner_id]`), a),
			chromedp.SendKeys(chromedp.CSS(`#adjust input[name=points]`), "5"),
			chromedp.SendKeys(chromedp.CSS(`#adjust input[name=reason]`), "带动茶农增收成效突出"))
		if st := b.click(`#adjust button[type=submit]`); st != 200 {
			t.Fatalf("adjust: %d", st)
		}
		if got := b.figuresIn(`#ranking tr[data-code="` + a + `"]`)["score"]; got != scores[a]+5 {
			t.Errorf("A's score after +5: %v, was %v", got, scores[a])
		}
		b.screenshots(shots + "evaluation")

		b.do("tick", chromedp.Click(chromedp.CSS(`#lock input[name=confirm]`)))
		if st := b.click(`#lock button[type=submit]`); st != 200 {
			t.Fatalf("lock: %d", st)
		}
		state, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("lock-state")))
		if err != nil || !strings.Contains(state, "已锁定") {
			t.Errorf("lock state %q (%v)", state, err)
		}
		if _, locked, _ := apiScores(t, env, f.bureau.Token); !locked {
			t.Error("the API does not show the lock")
		}
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#manage').length`))
		if err != nil || n != 0 {
			t.Errorf("forms to change a locked evaluation: %d (%v)", n, err)
		}
		if st := b.click(`#ranking tr[data-code="` + a + `"] a`); st != 200 {
			t.Fatalf("scorecard: %d", st)
		}
		b.screenshots(shots + "scorecard")
		b.noConsoleErrors()
	})
}
