package loadgen

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Report is the outcome of a run: throughput, latency by endpoint, errors
// by status, and the verification.
type Report struct {
	URLs          []string       `json:"urls"`
	Phones        int            `json:"phones"`
	DropRate      float64        `json:"drop_rate"`
	RampS         float64        `json:"ramp_s"`
	PauseS        float64        `json:"pause_s"`
	ElapsedS      float64        `json:"elapsed_s"`
	Requests      int64          `json:"requests"`
	RequestsPerS  float64        `json:"requests_per_s"`
	RecordsPerS   float64        `json:"records_per_s"`
	PhotosPerS    float64        `json:"photos_per_s"`
	UploadMBPerS  float64        `json:"upload_mb_per_s"`
	Endpoints     []Endpoint     `json:"endpoints"`
	Windows       []Window       `json:"windows"`
	Errors        map[string]int `json:"errors"`
	Refused       map[string]int `json:"refused,omitempty"` // records and photos the server would not take
	Notes         map[string]int `json:"notes,omitempty"`
	RefusedSample []string       `json:"refused_sample,omitempty"`
	PhoneErrors   []string       `json:"phone_errors,omitempty"`
	Verify        Verification   `json:"verify"`
}

// OK reports whether the run passed: verified, and no phone gave up.
func (r *Report) OK() bool { return r.Verify.OK && len(r.PhoneErrors) == 0 }

func (r *Runner) report(elapsed time.Duration, v Verification, phoneErrs []string) *Report {
	s := elapsed.Seconds()
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &Report{URLs: r.cfg.URLs, Phones: len(r.phones), DropRate: r.cfg.DropRate, RampS: r.cfg.Ramp.Seconds(), PauseS: r.cfg.Pause.Seconds(), ElapsedS: s,
		Requests: r.Stats.Requests(), Endpoints: r.Stats.Endpoints(), Windows: r.Stats.Windows(), Errors: r.Stats.Errors(),
		Refused: copyMap(r.rejected), Notes: copyMap(r.notes), RefusedSample: r.samples, PhoneErrors: phoneErrs, Verify: v}
	if s > 0 {
		rep.RequestsPerS = float64(rep.Requests) / s
		rep.RecordsPerS = float64(v.RecordsAcked) / s
		rep.PhotosPerS = float64(v.PhotosAcked) / s
		r.Stats.mu.Lock()
		rep.UploadMBPerS = float64(r.Stats.bytesUp) / s / 1e6
		r.Stats.mu.Unlock()
	}
	return rep
}

func copyMap(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Text writes the report for a terminal.
func (r *Report) Text(w io.Writer) {
	fmt.Fprintf(w, "\n%d phones, %.1f s, %d requests: %.1f req/s, %.1f records/s, %.1f photos/s, %.2f MB/s up (drop rate %.2f, ramp %.0f s, pause %.0f s)\n",
		r.Phones, r.ElapsedS, r.Requests, r.RequestsPerS, r.RecordsPerS, r.PhotosPerS, r.UploadMBPerS, r.DropRate, r.RampS, r.PauseS)
	fmt.Fprintf(w, "\n%-24s %8s %9s %9s %9s %9s  %s\n", "endpoint", "count", "p50 ms", "p90 ms", "p99 ms", "max ms", "outcomes")
	for _, e := range r.Endpoints {
		fmt.Fprintf(w, "%-24s %8d %9s %9s %9s %9s  %s\n", e.Name, e.Count, e.P50, e.P90, e.P99, e.Max, counts(e.Outcomes))
	}
	for _, name := range []string{"POST /auth/login", "POST /sync/push"} {
		line := ""
		for _, x := range r.Windows {
			if x.Endpoint == name {
				line += fmt.Sprintf(" %.0fs: %s/%s (%d)", x.FromS, x.P50, x.P99, x.Count)
			}
		}
		if line != "" {
			fmt.Fprintf(w, "%s p50/p99 ms by %s window of the start:%s\n", name, windowLen, line)
		}
	}
	fmt.Fprintf(w, "\nerrors by status: %s\n", counts(r.Errors))
	if len(r.Refused) > 0 {
		fmt.Fprintf(w, "refused by the server: %s\n", counts(r.Refused))
		for _, s := range r.RefusedSample {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	if len(r.Notes) > 0 {
		fmt.Fprintf(w, "notes: %s\n", counts(r.Notes))
	}
	for _, e := range r.PhoneErrors {
		fmt.Fprintf(w, "phone gave up: %s\n", e)
	}
	r.Verify.Text(w)
	fmt.Fprintf(w, "result: %s\n", map[bool]string{true: "PASS — every record and photo stored exactly once", false: "FAIL"}[r.OK()])
}

// Text writes the verification's counts and first problems.
func (v Verification) Text(w io.Writer) {
	fmt.Fprintf(w, "\nverification: %d/%d records and %d/%d photos acknowledged, %d photos' bytes checked\n",
		v.RecordsAcked, v.Records, v.PhotosAcked, v.Photos, v.BytesChecked)
	fmt.Fprintf(w, "  unacked %d, missing %d, duplicated %d, mismatched %d, unexpected %d; photos missing %d, duplicated %d, mismatched %d, unexpected %d, bad bytes %d; sync skipped %d\n",
		v.Unacked, v.Missing, v.Duplicated, v.Mismatched, v.Unexpected, v.PhotosMissing, v.PhotosDuplicated,
		v.PhotosMismatched, v.PhotosUnexpected, v.BytesBad, v.SyncSkipped)
	if v.Partial {
		fmt.Fprintf(w, "  partial (a backup taken during the run): %d acknowledged records and photos not in the backup\n", v.NotInBackup)
	}
	for _, p := range v.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
}

// Markdown writes the report as markdown tables.
func (r *Report) Markdown(w io.Writer) {
	v := r.Verify
	fmt.Fprintf(w, "| figure | value |\n|---|---|\n")
	fmt.Fprintf(w, "| phones × duration | %d × %.0f s (drop rate %.2f) |\n", r.Phones, r.ElapsedS, r.DropRate)
	fmt.Fprintf(w, "| requests/s | %.1f |\n| records/s | %.1f |\n| photos/s | %.1f |\n| upload MB/s | %.2f |\n",
		r.RequestsPerS, r.RecordsPerS, r.PhotosPerS, r.UploadMBPerS)
	fmt.Fprintf(w, "| records / photos acknowledged | %d / %d |\n", v.RecordsAcked, v.PhotosAcked)
	fmt.Fprintf(w, "| lost / duplicated / sync-skipped | %d / %d / %d |\n", v.Missing+v.PhotosMissing+v.Unacked,
		v.Duplicated+v.PhotosDuplicated+v.Unexpected+v.PhotosUnexpected, v.SyncSkipped)
	fmt.Fprintf(w, "| errors by status | %s |\n| exactly once | %v |\n\n", counts(r.Errors), r.OK())
	fmt.Fprintf(w, "| endpoint | count | p50 ms | p90 ms | p99 ms | outcomes |\n|---|---:|---:|---:|---:|---|\n")
	for _, e := range r.Endpoints {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s |\n", e.Name, e.Count, e.P50, e.P90, e.P99, counts(e.Outcomes))
	}
}

// counts prints a map of counts in key order.
func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, m[k])
	}
	return strings.Join(parts, " ")
}
