package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tepai/tepai/loadgen"
)

// urlList is a flag that may be given several times (or comma-separated).
type urlList []string

// String joins the URLs with commas.
func (u *urlList) String() string { return strings.Join(*u, ",") }

// Set adds one URL, or several separated by commas.
func (u *urlList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*u = append(*u, s)
		}
	}
	return nil
}

// loadgenFlags binds the load generator's settings to fs.
func loadgenFlags(fs *flag.FlagSet, c *loadgen.Config, urls *urlList) {
	fs.Var(urls, "url", "base URL of a tepai replica on loopback; repeat (or comma-separate) for round-robin (default http://127.0.0.1:8080)")
	fs.StringVar(&c.AdminPhone, "admin-phone", os.Getenv("TEPAI_ADMIN_PHONE"), "admin phone used to create the commissioners (TEPAI_ADMIN_PHONE)")
	fs.StringVar(&c.AdminPassword, "admin-password", os.Getenv("TEPAI_ADMIN_PASSWORD"), "that admin's password (TEPAI_ADMIN_PASSWORD)")
	fs.StringVar(&c.Region, "region", c.Region, "county or township whose rural villages the commissioners are assigned (regions must be imported)")
	fs.IntVar(&c.Phones, "phones", c.Phones, "simulated commissioners' phones")
	fs.DurationVar(&c.Duration, "duration", c.Duration, "phones start no new round after this")
	fs.DurationVar(&c.Grace, "grace", c.Grace, "time after --duration for rounds in flight to finish")
	fs.DurationVar(&c.Ramp, "ramp", c.Ramp, "phones start one after another over this time (capped at --duration)")
	fs.DurationVar(&c.Pause, "pause", c.Pause, "mean time a phone spends out of signal between two rounds, drawn from ½× to 1½× (0: sync again at once, a stress run)")
	fs.BoolVar(&c.SignedIn, "signed-in", c.SignedIn, "phones signed in during setup, before the run, and start by refreshing their token as a phone that kept its login does (default: each phone signs in with its password at its first round)")
	fs.Int64Var(&c.MaxRequests, "max-requests", c.MaxRequests, "phones start no new round after this many requests")
	fs.DurationVar(&c.Latency, "latency", c.Latency, "round-trip delay added to every request")
	fs.Int64Var(&c.Bandwidth, "bandwidth", c.Bandwidth, "bytes per second each way per phone (0: unlimited)")
	fs.Float64Var(&c.DropRate, "drop-rate", c.DropRate, "fraction of responses lost after the server processed the request")
	fs.Float64Var(&c.RaceRate, "race-rate", c.RaceRate, "fraction of pushes and photo posts sent to two replicas at once")
	fs.IntVar(&c.PhotoKB, "photo-kb", c.PhotoKB, "approximate size of each generated JPEG, in KiB")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "seed for phones, records and photos (same seed: same commissioners)")
	fs.IntVar(&c.Days, "days", c.Days, "days of work a phone records offline per round")
	fs.IntVar(&c.VisitsPerDay, "visits-per-day", c.VisitsPerDay, "field visits per day")
	fs.IntVar(&c.PhotosPerDay, "photos-per-day", c.PhotosPerDay, "photos per day")
	fs.IntVar(&c.Batch, "batch", c.Batch, "changes per sync push (at most 500)")
	fs.Float64Var(&c.TusShare, "tus-share", c.TusShare, "fraction of photos uploaded with tus")
	fs.IntVar(&c.VerifyBytes, "verify-bytes", c.VerifyBytes, "stored photos downloaded and hashed at the end (-1: all)")
}

// loadgenOptions are the load generator's settings and where to write
// its report.
type loadgenOptions struct {
	cfg            loadgen.Config
	jsonOut, mdOut string
	ledger         string
}

func parseLoadgen(args []string, stderr io.Writer) (loadgenOptions, error) {
	o := loadgenOptions{cfg: loadgen.Defaults()}
	var urls urlList
	fs := flag.NewFlagSet("tepai loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	loadgenFlags(fs, &o.cfg, &urls)
	fs.StringVar(&o.jsonOut, "json", "", "also write the report as JSON to this file")
	fs.StringVar(&o.mdOut, "markdown", "", "also write the report as markdown tables to this file")
	fs.StringVar(&o.ledger, "ledger", "", "at the end, write what the phones hold (records, photos' hashes, the commissioners' logins) to this file, for `tepai loadgen verify`")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if len(urls) > 0 {
		o.cfg.URLs = urls
	}
	return o, nil
}

// loadgenCmd runs a load and fails when the verification does; SIGINT or
// SIGTERM make the phones finish their round and the run verify early.
func loadgenCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "verify" {
		return loadgenVerifyCmd(args[1:], stdout, stderr)
	}
	o, err := parseLoadgen(args, stderr)
	if err != nil {
		return err
	}
	o.cfg.Out = stdout
	r, err := loadgen.New(o.cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); r.Stop() }()
	done := make(chan struct{})
	defer close(done)
	go reportProgress(r, stdout, done)
	rep, err := r.Run(context.Background())
	if err != nil {
		return err
	}
	rep.Text(stdout)
	if err := writeReports(rep, o.jsonOut, o.mdOut); err != nil {
		return err
	}
	if o.ledger != "" {
		if err := r.Ledger().WriteFile(o.ledger); err != nil {
			return fmt.Errorf("write the ledger: %w", err)
		}
		fmt.Fprintf(stdout, "loadgen: ledger written to %s\n", o.ledger)
	}
	if !rep.OK() {
		return errors.New("loadgen: verification failed")
	}
	return nil
}

// reportProgress prints what has been acknowledged every ten seconds.
func reportProgress(r *loadgen.Runner, w io.Writer, done <-chan struct{}) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			recs, photos := r.AckedCount()
			fmt.Fprintf(w, "loadgen: %d requests, %d records and %d photos acknowledged\n", r.Stats.Requests(), recs, photos)
		}
	}
}

func writeReports(rep *loadgen.Report, jsonOut, mdOut string) error {
	if jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(jsonOut, b, 0o644); err != nil {
			return err
		}
	}
	if mdOut != "" {
		f, err := os.Create(mdOut)
		if err != nil {
			return err
		}
		rep.Markdown(f)
		return f.Close()
	}
	return nil
}

// verifyOptions are the settings of `tepai loadgen verify`.
type verifyOptions struct {
	cfg              loadgen.VerifyConfig
	ledgers, partial []string
	jsonOut          string
	timeout          time.Duration
}

// fileList is a flag that may be given several times.
type fileList []string

// String joins the files with commas.
func (f *fileList) String() string { return strings.Join(*f, ",") }

// Set adds one file.
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func parseVerify(args []string, stderr io.Writer) (verifyOptions, error) {
	o := verifyOptions{cfg: loadgen.VerifyConfig{VerifyBytes: -1}, timeout: 30 * time.Minute}
	var (
		urls             urlList
		ledgers, partial fileList
	)
	fs := flag.NewFlagSet("tepai loadgen verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "tepai loadgen verify --ledger FILE --url URL [flags]: check a server (one restored from a backup of a loaded one) against the ledgers runs wrote, with the runs' own verification")
		fs.PrintDefaults()
	}
	fs.Var(&urls, "url", "base URL of a tepai replica on loopback; repeat (or comma-separate) for round-robin (default http://127.0.0.1:8080)")
	fs.Var(&ledgers, "ledger", "a ledger written by `tepai loadgen --ledger`: everything its phones hold must be there; repeat for several runs")
	fs.Var(&partial, "partial-ledger", "the ledger of a run that was writing while the backup was taken: what it acknowledged may be absent, what is there must be exact; repeatable")
	fs.StringVar(&o.cfg.AdminPhone, "admin-phone", os.Getenv("TEPAI_ADMIN_PHONE"), "an admin of the verified server (TEPAI_ADMIN_PHONE)")
	fs.StringVar(&o.cfg.AdminPassword, "admin-password", os.Getenv("TEPAI_ADMIN_PASSWORD"), "that admin's password (TEPAI_ADMIN_PASSWORD)")
	fs.IntVar(&o.cfg.VerifyBytes, "verify-bytes", o.cfg.VerifyBytes, "stored photos downloaded and hashed (-1: all)")
	fs.StringVar(&o.jsonOut, "json", "", "also write the verification as JSON to this file")
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("loadgen verify: unexpected argument %q", fs.Arg(0))
	}
	if len(ledgers)+len(partial) == 0 {
		return o, errors.New("loadgen verify: --ledger (or --partial-ledger) is required")
	}
	if o.timeout <= 0 {
		return o, errors.New("loadgen verify: --timeout must be positive")
	}
	o.ledgers, o.partial = ledgers, partial
	o.cfg.URLs = urls
	if len(urls) == 0 {
		o.cfg.URLs = loadgen.Defaults().URLs
	}
	return o, nil
}

// loadgenVerifyCmd checks a server against ledgers and fails when the
// verification does.
func loadgenVerifyCmd(args []string, stdout, stderr io.Writer) error {
	o, err := parseVerify(args, stderr)
	if err != nil {
		return err
	}
	var checks []loadgen.LedgerCheck
	phones := 0
	for _, f := range append(append([]string{}, o.ledgers...), o.partial...) {
		l, err := loadgen.ReadLedger(f)
		if err != nil {
			return err
		}
		checks = append(checks, loadgen.LedgerCheck{Ledger: l, Partial: len(checks) >= len(o.ledgers)})
		phones += len(l.Phones)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	start := time.Now()
	v, err := loadgen.VerifyLedgers(ctx, o.cfg, checks...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loadgen verify: %d phones of %d ledgers against %s in %s\n", phones, len(checks),
		strings.Join(o.cfg.URLs, ", "), time.Since(start).Round(time.Millisecond))
	v.Text(stdout)
	if o.jsonOut != "" {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonOut, b, 0o644); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("loadgen verify: not finished within %s", o.timeout)
	}
	if !v.OK {
		fmt.Fprintln(stdout, "result: FAIL")
		return errors.New("loadgen verify: verification failed")
	}
	if v.Partial {
		fmt.Fprintln(stdout, "result: PASS — every record and photo of the ledgers that is in the backup stored exactly once, with its bytes, and pulled; nothing of a complete ledger absent")
		return nil
	}
	fmt.Fprintln(stdout, "result: PASS — every record and photo of the ledgers stored exactly once, with its bytes, and pulled")
	return nil
}
