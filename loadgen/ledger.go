package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"
)

// ledgerFormat is the version of the ledger file's layout.
const ledgerFormat = 1

// Ledger is what the phones of a run hold when it ends, written to a file
// so that another server (one restored from a backup of the loaded one)
// can be verified against it with the same checks as the run's own.
type Ledger struct {
	Format    int                 `json:"format"`
	Region    string              `json:"region"`
	WrittenAt time.Time           `json:"written_at"`
	Baseline  map[string][]string `json:"baseline"` // type → ids stored in the region before the run
	Phones    []LedgerPhone       `json:"phones"`
}

// LedgerPhone is one commissioner's phone: its login and what it holds.
// The password is the commissioner's (derived from the run's seed), so
// that the verification can pull as that phone.
type LedgerPhone struct {
	Phone          string         `json:"phone"`
	Password       string         `json:"password"`
	CommissionerID string         `json:"commissioner_id"`
	Villages       []string       `json:"villages"`
	Records        []LedgerRecord `json:"records"`
	Photos         []LedgerPhoto  `json:"photos"`
}

// LedgerRecord is a record a phone holds, with what the verification
// compares.
type LedgerRecord struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	Version  int    `json:"version"`
	Region   string `json:"region"` // village_code or region_code
	Count    int    `json:"count"`  // farmers_served or attendees
	Acked    bool   `json:"acked"`
	Rejected string `json:"rejected,omitempty"`
}

// LedgerPhoto is a photo a phone holds.
type LedgerPhoto struct {
	ID        string `json:"id"`
	OwnerType string `json:"owner_type"`
	OwnerID   string `json:"owner_id"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	Acked     bool   `json:"acked"`
	Failed    string `json:"failed,omitempty"`
}

// Ledger returns what the phones hold; call it after Run has returned.
func (r *Runner) Ledger() *Ledger {
	l := &Ledger{Format: ledgerFormat, Region: r.cfg.Region, WrittenAt: time.Now().UTC(), Baseline: map[string][]string{}}
	for typ, ids := range r.baseline {
		list := make([]string, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		sort.Strings(list)
		l.Baseline[typ] = list
	}
	for _, p := range r.phones {
		lp := LedgerPhone{Phone: p.id.Phone, Password: p.id.Password, CommissionerID: p.id.CommissionerID,
			Villages: p.id.Villages, Records: []LedgerRecord{}, Photos: []LedgerPhoto{}}
		for _, h := range p.records {
			lp.Records = append(lp.Records, LedgerRecord{Type: h.Type, ID: h.ID, Version: h.Version, Region: h.Region,
				Count: h.Count, Acked: h.Acked, Rejected: h.Rejected})
		}
		for _, ph := range p.photos {
			lp.Photos = append(lp.Photos, LedgerPhoto{ID: ph.ID, OwnerType: ph.OwnerType, OwnerID: ph.OwnerID,
				SHA256: ph.SHA256, Size: ph.Size, Acked: ph.Acked, Failed: ph.Failed})
		}
		l.Phones = append(l.Phones, lp)
	}
	return l
}

// WriteFile writes the ledger as JSON to path (through a temporary file
// renamed into place, so a reader never sees half a ledger).
func (l *Ledger) WriteFile(path string) error {
	b, err := json.MarshalIndent(l, "", " ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ReadLedger reads a ledger written by WriteFile and checks its layout.
func ReadLedger(path string) (*Ledger, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var l Ledger
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	if l.Format != ledgerFormat {
		return nil, fmt.Errorf("ledger %s: format %d, this loadgen reads format %d", path, l.Format, ledgerFormat)
	}
	if n := len(l.Region); n != 6 && n != 9 {
		return nil, fmt.Errorf("ledger %s: region %q is not a county or township code", path, l.Region)
	}
	if len(l.Phones) == 0 {
		return nil, fmt.Errorf("ledger %s: no phones", path)
	}
	owners := map[string]string{}
	for _, p := range l.Phones {
		if p.Phone == "" || p.Password == "" {
			return nil, fmt.Errorf("ledger %s: a phone without its login", path)
		}
		for _, rec := range p.Records {
			if _, ok := recordPaths[rec.Type]; !ok || rec.ID == "" {
				return nil, fmt.Errorf("ledger %s: record %q of unknown type %q", path, rec.ID, rec.Type)
			}
			owners[rec.ID] = rec.Type
		}
		for _, ph := range p.Photos {
			if ph.ID == "" || owners[ph.OwnerID] != ph.OwnerType {
				return nil, fmt.Errorf("ledger %s: photo %q of %s %q, which its phone does not hold", path, ph.ID, ph.OwnerType, ph.OwnerID)
			}
		}
	}
	return &l, nil
}

// VerifyConfig is where and as whom ledgers are verified.
type VerifyConfig struct {
	URLs          []string // base URLs of the replicas (loopback only)
	AdminPhone    string   // an admin of the verified server
	AdminPassword string
	VerifyBytes   int // photos whose bytes are downloaded and hashed; <0 is all
}

// LedgerCheck is a ledger to verify and how: Partial for a run that was
// writing while the backup was taken, so that what it acknowledged after
// may be absent (everything present must still be exact).
type LedgerCheck struct {
	Ledger  *Ledger
	Partial bool
}

// VerifyLedgers checks the servers at cfg.URLs against the ledgers of one
// or more runs (on one region) with the runs' own verification: every
// record the phones hold stored once with its version, every photo listed
// once under its owner with its hash and size, its bytes downloaded and
// hashed, and a full sync pull (from an empty cursor) by each phone
// reaching every record and photo. A record in the region that no phone
// of the ledgers made, nor was there before the first run, is unexpected.
func VerifyLedgers(ctx context.Context, cfg VerifyConfig, checks ...LedgerCheck) (Verification, error) {
	var errs []error
	if len(checks) == 0 {
		errs = append(errs, errors.New("at least one ledger is needed"))
	}
	for _, c := range checks {
		if c.Ledger == nil || c.Ledger.Region != checks[0].Ledger.Region {
			errs = append(errs, errors.New("the ledgers are of different regions"))
			break
		}
	}
	if len(cfg.URLs) == 0 {
		errs = append(errs, errors.New("at least one --url is needed"))
	}
	for _, u := range cfg.URLs {
		if err := CheckLoopback(u); err != nil {
			errs = append(errs, err)
		}
	}
	if cfg.AdminPhone == "" || cfg.AdminPassword == "" {
		errs = append(errs, errors.New("--admin-phone and --admin-password are needed to read every record"))
	}
	if err := errors.Join(errs...); err != nil {
		return Verification{}, err
	}
	rc := Defaults()
	rc.URLs, rc.AdminPhone, rc.AdminPassword, rc.Region, rc.VerifyBytes = trimURLs(cfg.URLs), cfg.AdminPhone, cfg.AdminPassword, checks[0].Ledger.Region, cfg.VerifyBytes
	r := &Runner{cfg: rc, Stats: NewStats(), baseline: map[string]map[string]bool{}}
	for _, c := range checks {
		r.addLedger(c.Ledger, c.Partial)
	}
	admin := NewClient(rc.URLs, cleanTransport(), nil)
	tok, err := admin.Login(ctx, rc.AdminPhone, rc.AdminPassword)
	if err != nil {
		return Verification{}, fmt.Errorf("admin login: %w", err)
	}
	admin.SetToken(tok)
	admin.SetLogin(func(ctx context.Context) (string, error) { return admin.Login(ctx, rc.AdminPhone, rc.AdminPassword) })
	return r.verify(ctx, admin), nil
}

// addLedger adds a ledger's baseline and phones (with an empty cursor, so
// that their pulls start from the beginning) to a runner that only
// verifies.
func (r *Runner) addLedger(l *Ledger, partial bool) {
	for typ, ids := range l.Baseline {
		if r.baseline[typ] == nil {
			r.baseline[typ] = map[string]bool{}
		}
		for _, id := range ids {
			r.baseline[typ][id] = true
		}
	}
	for _, lp := range l.Phones {
		id := Identity{Index: len(r.phones), Phone: lp.Phone, Password: lp.Password, CommissionerID: lp.CommissionerID, Villages: lp.Villages}
		p := &phone{id: id, cfg: &r.cfg, c: NewClient(r.cfg.URLs, cleanTransport(), nil), run: r, seen: map[string]bool{}}
		for _, rec := range lp.Records {
			p.records = append(p.records, &held{Type: rec.Type, ID: rec.ID, Version: rec.Version, Region: rec.Region,
				Count: rec.Count, Acked: rec.Acked, Rejected: rec.Rejected, Partial: partial})
		}
		for _, ph := range lp.Photos {
			p.photos = append(p.photos, &heldPhoto{ID: ph.ID, OwnerType: ph.OwnerType, OwnerID: ph.OwnerID,
				SHA256: ph.SHA256, Size: ph.Size, Acked: ph.Acked, Failed: ph.Failed, Partial: partial})
		}
		r.phones = append(r.phones, p)
	}
}
