// Package loadgen simulates a fleet of commissioners' phones against a
// running tepai over HTTP: each phone logs in, pulls, records days of field
// work offline, pushes them in batches and uploads photos over a link with
// latency, limited bandwidth and dropped responses, retrying until the
// server has acknowledged everything. At the end it verifies against the
// server that every record and photo the phones hold is stored exactly once.
package loadgen

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"
)

// Config is what a load run does and against which servers.
type Config struct {
	URLs          []string      // base URLs of the replicas, used round-robin
	AdminPhone    string        // admin who creates the commissioners
	AdminPassword string        // that admin's password
	Region        string        // county (or township) whose rural villages are assigned
	Phones        int           // simulated commissioners' phones
	Duration      time.Duration // phones start no new round after this
	Grace         time.Duration // time after Duration for rounds in flight to finish
	Ramp          time.Duration // phones start one after another over this time (at most Duration)
	Pause         time.Duration // mean time in the field between two rounds of a phone; 0 syncs again at once
	SignedIn      bool          // phones signed in before the run (in setup) and start by refreshing their token
	MaxRequests   int64         // phones start no new round after this many requests
	Latency       time.Duration // added round-trip delay per request
	Bandwidth     int64         // bytes per second each way per phone; 0 is unlimited
	DropRate      float64       // fraction of responses lost after the server processed them
	RaceRate      float64       // fraction of pushes and photo posts also sent at once to the next replica
	PhotoKB       int           // approximate size of a generated photo
	Seed          int64         // makes phones, records and photos reproducible
	Days          int           // days of work a phone records offline per round
	VisitsPerDay  int           // field visits per day
	PhotosPerDay  int           // photos per day (on visits and the training)
	Batch         int           // changes per sync push
	TusShare      float64       // fraction of photos uploaded through tus
	VerifyBytes   int           // photos whose content is downloaded and hashed at the end; <0 is all
	Out           io.Writer     // progress and the report; nil is silent
}

// Defaults returns a small, quick run against a local server.
func Defaults() Config {
	return Config{
		URLs:         []string{"http://127.0.0.1:8080"},
		Region:       "330824",
		Phones:       10,
		Duration:     30 * time.Second,
		Grace:        60 * time.Second,
		Ramp:         10 * time.Second,
		MaxRequests:  1_000_000,
		PhotoKB:      200,
		Seed:         1,
		Days:         7,
		VisitsPerDay: 6,
		PhotosPerDay: 2,
		Batch:        50,
		TusShare:     0.25,
		VerifyBytes:  500,
	}
}

// Validate checks the settings, and that every target is on loopback: the
// load generator never sends load to another machine.
func (c *Config) Validate() error {
	var errs []error
	if len(c.URLs) == 0 {
		errs = append(errs, errors.New("at least one --url is needed"))
	}
	for _, u := range c.URLs {
		if err := CheckLoopback(u); err != nil {
			errs = append(errs, err)
		}
	}
	if c.AdminPhone == "" || c.AdminPassword == "" {
		errs = append(errs, errors.New("--admin-phone and --admin-password are needed to create the commissioners"))
	}
	if n := len(c.Region); n != 6 && n != 9 {
		errs = append(errs, fmt.Errorf("--region %q must be a county (6 digits) or township (9 digits) code", c.Region))
	}
	if c.Phones < 1 || c.Phones > 99999 {
		errs = append(errs, errors.New("--phones must be between 1 and 99999"))
	}
	if c.Duration <= 0 || c.Grace < 0 || c.MaxRequests <= 0 {
		errs = append(errs, errors.New("--duration and --max-requests must be positive"))
	}
	if c.Ramp < 0 || c.Pause < 0 {
		errs = append(errs, errors.New("--ramp and --pause must not be negative"))
	}
	if c.DropRate < 0 || c.DropRate > 0.9 || c.RaceRate < 0 || c.RaceRate > 1 || c.TusShare < 0 || c.TusShare > 1 {
		errs = append(errs, errors.New("--drop-rate must be in [0, 0.9], --race-rate and --tus-share in [0, 1]"))
	}
	if c.PhotoKB < 1 || c.PhotoKB > 20*1024 {
		errs = append(errs, errors.New("--photo-kb must be between 1 and 20480"))
	}
	if c.Days < 1 || c.VisitsPerDay < 1 || c.PhotosPerDay < 0 || c.Batch < 1 || c.Batch > 500 {
		errs = append(errs, errors.New("--days and --visits-per-day must be positive, --batch between 1 and 500"))
	}
	if c.Latency < 0 || c.Bandwidth < 0 {
		errs = append(errs, errors.New("--latency and --bandwidth must not be negative"))
	}
	return errors.Join(errs...)
}

// CheckLoopback refuses a URL whose host is not 127.0.0.1, localhost or ::1.
func CheckLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q is not an http(s) URL", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && (ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback)) {
		return nil
	}
	return fmt.Errorf("--url %q: only 127.0.0.1, localhost or ::1 may be loaded", raw)
}

// trimURLs drops trailing slashes so that paths join cleanly.
func trimURLs(urls []string) []string {
	out := make([]string, len(urls))
	for i, u := range urls {
		out[i] = strings.TrimRight(u, "/")
	}
	return out
}
