package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// The page benchmarks time the console's statistics pages:
//
//	go test ./web -run '^$' -bench Pages
//
// BenchmarkPages times the server (request to last byte on loopback),
// BenchmarkPagesBrowser the time in Chromium from navigation start to the
// page's headline figures shown.
//
// By default they run on the test fixture (Kaihua County, a few visits),
// per backend. With TEPAI_BENCH_MYSQL_DSN set to a database that
// "tepai gen --prefix 33 --scale 1" filled, they run a tepai server on that
// database instead and time coverage, activity and the work report of the
// generated year (the latest year with visits, or TEPAI_BENCH_YEAR) at
// Zhejiang (33), Kaihua County (330824) and its township with the most
// visited villages: province and county as a bureau user of province
// scope, the township as that township's own officer. Those two users
// (phones benchProvincePhone and "199" + the township code's last eight
// digits, password benchPassword) are created the first time and reused
// after; the benchmark writes nothing else but its sign-ins.

// benchPassword is the password of the benchmark's users on a generated
// database.
const benchPassword = "bench-password-33"

// benchProvincePhone is the bureau user of province scope.
const benchProvincePhone = "19900000033"

// benchUser is a user the benchmark signs in as.
type benchUser struct{ phone, password string }

// benchPage is one page to time and who opens it.
type benchPage struct {
	name, path string
	who        benchUser
}

// benchSite is a running tepai and the pages to time on it.
type benchSite struct {
	name  string
	env   *testenv.Env
	pages []benchPage
}

// benchSites starts the servers the page benchmarks run on: the generated
// database of TEPAI_BENCH_MYSQL_DSN, else the fixture on each backend.
func benchSites(b *testing.B) []benchSite {
	b.Helper()
	if dsn := os.Getenv("TEPAI_BENCH_MYSQL_DSN"); dsn != "" {
		return []benchSite{provinceSite(b, dsn)}
	}
	backends := []string{"sqlite"}
	if testenv.MySQLAvailable() {
		backends = append(backends, "mysql")
	}
	var out []benchSite
	for _, backend := range backends {
		env := testenv.New(b, backend)
		f := newFixture(b, env)
		who := benchUser{f.bureau.User.Phone, f.bureau.Password}
		out = append(out, benchSite{name: backend, env: env, pages: []benchPage{
			{"coverage-county", "/coverage?region=330824&year=2025", who},
			{"coverage-township", "/coverage?region=330824202&year=2025", who},
			{"activity-county", "/activity?region=330824&year=2025", who},
			{"report-county", "/report?region=330824&year=2025", who},
			{"report-township", "/report?region=330824202&year=2025", who},
		}})
	}
	return out
}

// provinceSite runs tepai, as tepai serve does, on the generated database
// at dsn, with the benchmark's users.
func provinceSite(b *testing.B, dsn string) benchSite {
	b.Helper()
	cfg := config.Default()
	cfg.DataDir = b.TempDir()
	cfg.Addr = "127.0.0.1:0"
	cfg.JWTSecret = "bench-secret-bench-secret-bench-secret-01"
	cfg.LogLevel = "error"
	cfg.MySQLDSN = dsn
	env := testenv.Start(b, "mysql", cfg)
	ctx, db := context.Background(), env.DB()

	year := 0
	if y := os.Getenv("TEPAI_BENCH_YEAR"); y != "" {
		var err error
		if year, err = strconv.Atoi(y); err != nil {
			b.Fatalf("TEPAI_BENCH_YEAR: %v", err)
		}
	} else {
		var last *string
		if err := db.WithContext(ctx).Model(&models.Visit{}).Select("MAX(visit_date)").Scan(&last).Error; err != nil {
			b.Fatal(err)
		}
		if last == nil || len(*last) < 4 {
			b.Fatal("TEPAI_BENCH_MYSQL_DSN: the database has no visits; fill it with tepai gen --prefix 33 --scale 1")
		}
		year, _ = strconv.Atoi((*last)[:4])
	}
	cov, err := db.Coverage(ctx, "330824", models.YearPeriod(year))
	if err != nil {
		b.Fatal(err)
	}
	township := models.CoverageRow{}
	for _, ch := range cov.Children {
		if ch.VisitedVillages > township.VisitedVillages {
			township = ch
		}
	}
	if township.VisitedVillages == 0 {
		b.Fatalf("no township of 330824 has a visited village in %d", year)
	}
	b.Logf("generated year %d; township %s %s: %d of %d rural villages visited", year, township.Code, township.Name,
		township.VisitedVillages, township.RuralVillages)

	bureau := ensureBenchUser(b, db, benchProvincePhone, models.RoleBureau, "33", "省科技厅（基准测试）")
	officer := ensureBenchUser(b, db, "199"+township.Code[len(township.Code)-8:], models.RoleTownship, township.Code,
		township.Name+"（基准测试）")
	site := benchSite{name: "mysql-province", env: env}
	for _, pg := range []string{"coverage", "activity", "report"} {
		for _, r := range []struct {
			level, code string
			who         benchUser
		}{{"province", "33", bureau}, {"county", "330824", bureau}, {"township", township.Code, officer}} {
			site.pages = append(site.pages, benchPage{pg + "-" + r.level,
				fmt.Sprintf("/%s?region=%s&year=%d", pg, r.code, year), r.who})
		}
	}
	return site
}

// ensureBenchUser returns the benchmark's user of phone, creating it (role
// and region as given, password benchPassword) when there is none. An
// existing user of that phone must be that user.
func ensureBenchUser(b *testing.B, db *models.DB, phone, role, region, name string) benchUser {
	b.Helper()
	ctx := context.Background()
	u, err := db.UserByPhone(ctx, phone)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		hash, err := auth.HashPassword(benchPassword, config.Default().BcryptCost)
		if err != nil {
			b.Fatal(err)
		}
		u = &models.User{Phone: phone, PasswordHash: hash, Name: name, Role: role, RegionCode: region}
		if err := db.CreateUser(ctx, u); err != nil && !errors.Is(err, models.ErrDuplicatePhone) {
			b.Fatal(err)
		}
		if u, err = db.UserByPhone(ctx, phone); err != nil {
			b.Fatal(err)
		}
	} else if err != nil {
		b.Fatal(err)
	}
	if u.Role != role || u.RegionCode != region || !u.Active || u.MustChangePassword ||
		!auth.CheckPassword(u.PasswordHash, benchPassword, 0) {
		b.Fatalf("user %s exists but is not the benchmark's %s of %s with its password; remove it from the database", phone, role, region)
	}
	return benchUser{phone, benchPassword}
}

// BenchmarkPages times the server side of the console's statistics pages:
// request to last byte on loopback, with the 50th and 95th percentiles of
// the requests timed.
func BenchmarkPages(b *testing.B) {
	for _, site := range benchSites(b) {
		clients := map[benchUser]*http.Client{}
		for _, pg := range site.pages {
			if clients[pg.who] == nil {
				clients[pg.who] = signedIn(b, site.env, pg.who.phone, pg.who.password)
			}
		}
		for _, pg := range site.pages {
			hc := clients[pg.who]
			b.Run(site.name+"/"+pg.name, func(b *testing.B) {
				var took []time.Duration
				for b.Loop() {
					start := time.Now()
					body := getPage(b, hc, site.env.Server.URL+pg.path)
					took = append(took, time.Since(start))
					if !bytes.Contains(body, []byte(`data-figure="`)) {
						b.Fatalf("%s: the page has no figures", pg.path)
					}
				}
				reportPercentiles(b, took)
			})
		}
	}
}

// getPage reads a page whole; it must answer 200 itself (a sign-in page
// redirected to would time the wrong page).
func getPage(b *testing.B, hc *http.Client, u string) []byte {
	res, err := hc.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Request.URL.String() != u {
		b.Fatalf("%s: %d at %s", u, res.StatusCode, res.Request.URL)
	}
	return body
}

// reportPercentiles reports the 50th and 95th percentiles of took, in
// milliseconds.
func reportPercentiles(b *testing.B, took []time.Duration) {
	ms := make([]float64, len(took))
	for i, d := range took {
		ms[i] = float64(d.Microseconds()) / 1000
	}
	b.ReportMetric(nearestRank(ms, 0.50), "p50-ms")
	b.ReportMetric(nearestRank(ms, 0.95), "p95-ms")
}

var benchCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signedIn returns an HTTP client signed in to the console; it signs out
// when the benchmark ends.
func signedIn(b testing.TB, env *testenv.Env, phone, password string) *http.Client {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	form := url.Values{"csrf": {formCSRF(b, hc, env.Server.URL+"/login")}, "phone": {phone}, "password": {password}}
	res, err := hc.Post(env.Server.URL+"/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		b.Fatalf("sign in: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path == "/login" {
		b.Fatalf("sign in %s: %d at %s", phone, res.StatusCode, res.Request.URL)
	}
	b.Cleanup(func() {
		form := url.Values{"csrf": {formCSRF(b, hc, env.Server.URL+"/logout")}}
		res, err := hc.Post(env.Server.URL+"/logout", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			b.Errorf("sign out: %v", err)
			return
		}
		res.Body.Close()
	})
	return hc
}

// formCSRF reads the anti-forgery token of the form on page u.
func formCSRF(b testing.TB, hc *http.Client, u string) string {
	res, err := hc.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := benchCSRF.FindStringSubmatch(string(body))
	if m == nil {
		b.Fatalf("%s: no form token (%d)", u, res.StatusCode)
	}
	return m[1]
}
