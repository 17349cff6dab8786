package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
)

// Identity is one simulated commissioner: its login and the villages it
// is assigned to.
type Identity struct {
	Index          int
	Phone          string
	Password       string
	CommissionerID string
	Villages       []string
}

// villagesPerPhone is how many villages each commissioner is assigned.
const villagesPerPhone = 3

// Setup logs in the admin on admin, finds the region's rural villages and
// creates (or finds, when an earlier run with the same seed made them) the
// commissioners and their assignments through the API.
func Setup(ctx context.Context, cfg Config, admin *Client) ([]Identity, error) {
	tok, err := admin.Login(ctx, cfg.AdminPhone, cfg.AdminPassword)
	if err != nil {
		return nil, fmt.Errorf("admin login: %w", err)
	}
	admin.SetToken(tok)
	admin.SetLogin(func(ctx context.Context) (string, error) { return admin.Login(ctx, cfg.AdminPhone, cfg.AdminPassword) })
	villages, err := RuralVillages(ctx, admin, cfg.Region)
	if err != nil {
		return nil, err
	}
	if len(villages) == 0 {
		return nil, fmt.Errorf("region %s has no rural villages: import the regions first (tepai regions import)", cfg.Region)
	}
	ids := make([]Identity, cfg.Phones)
	for i := range ids {
		ids[i] = identity(cfg.Seed, i)
		for j := range villagesPerPhone {
			ids[i].Villages = append(ids[i].Villages, villages[(i*villagesPerPhone+j)%len(villages)])
		}
	}
	if err := ensureCommissioners(ctx, cfg, admin, ids); err != nil {
		return nil, err
	}
	err = parallel(ctx, len(ids), 4, func(i int) error { return ensureAssignments(ctx, admin, &ids[i]) })
	return ids, err
}

// identity derives commissioner i's phone and password from the seed.
func identity(seed int64, i int) Identity {
	run := seed % 10000
	if run < 0 {
		run = -run
	}
	return Identity{Index: i, Phone: fmt.Sprintf("17%04d%05d", run, i), Password: fmt.Sprintf("loadgen-%d-%d", seed, i)}
}

// RuralVillages walks the region's subtree and returns its rural villages
// (12-digit codes whose last three digits are 200–399), in code order.
func RuralVillages(ctx context.Context, c *Client, region string) ([]string, error) {
	var out []string
	queue := []string{region}
	for len(queue) > 0 {
		code := queue[0]
		queue = queue[1:]
		kids, err := ListAll[Region](ctx, c, "GET /regions/{code}/children", "/api/v1/regions/"+url.PathEscape(code)+"/children", nil, 100)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			switch {
			case len(k.Code) == 12 && IsRural(k.Code):
				out = append(out, k.Code)
			case len(k.Code) < 12:
				queue = append(queue, k.Code)
			}
		}
	}
	return out, nil
}

// IsRural reports whether a 12-digit village code is a villagers'
// committee (村委会): its last three digits are 200–399.
func IsRural(code string) bool {
	if len(code) != 12 {
		return false
	}
	s := code[9:]
	return s >= "200" && s <= "399"
}

type commissionerItem struct {
	ID    string `json:"id"`
	Phone string `json:"phone"`
}

// ensureCommissioners creates the commissioners that do not exist yet and
// fills in every identity's commissioner id.
func ensureCommissioners(ctx context.Context, cfg Config, admin *Client, ids []Identity) error {
	byPhone, err := commissionersByPhone(ctx, admin, cfg.Region)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	err = parallel(ctx, len(ids), 4, func(i int) error {
		mu.Lock()
		_, ok := byPhone[ids[i].Phone]
		mu.Unlock()
		if ok {
			return nil
		}
		id, err := createCommissioner(ctx, cfg, admin, ids[i])
		mu.Lock()
		defer mu.Unlock()
		byPhone[ids[i].Phone] = id
		return err
	})
	var se *StatusError
	if errors.As(err, &se) && se.Status == 409 {
		byPhone, err = commissionersByPhone(ctx, admin, cfg.Region)
	}
	if err != nil {
		return err
	}
	for i := range ids {
		if ids[i].CommissionerID = byPhone[ids[i].Phone]; ids[i].CommissionerID == "" {
			return fmt.Errorf("commissioner %s was not created", ids[i].Phone)
		}
	}
	return nil
}

func commissionersByPhone(ctx context.Context, admin *Client, region string) (map[string]string, error) {
	items, err := ListAll[commissionerItem](ctx, admin, "GET /commissioners", "/api/v1/commissioners", url.Values{"region": {region}}, 1000)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, it := range items {
		out[it.Phone] = it.ID
	}
	return out, nil
}

func createCommissioner(ctx context.Context, cfg Config, admin *Client, id Identity) (string, error) {
	body := map[string]string{
		"name": fmt.Sprintf("特派员%05d", id.Index), "phone": id.Phone, "password": id.Password,
		"level": "county", "organization": "县农业农村局", "specialty": specialties[id.Index%len(specialties)],
		"batch": "第十四批", "term_start": "2024-01-01", "term_end": "2026-12-31", "region_code": cfg.Region,
	}
	var out commissionerItem
	if _, err := admin.JSON(ctx, "POST /commissioners", "POST", "/api/v1/commissioners", body, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}

// ensureAssignments assigns the commissioner to each of its villages it is
// not assigned to yet.
func ensureAssignments(ctx context.Context, admin *Client, id *Identity) error {
	type item struct {
		VillageCode string `json:"village_code"`
	}
	have, err := ListAll[item](ctx, admin, "GET /assignments", "/api/v1/assignments", url.Values{"commissioner_id": {id.CommissionerID}}, 10)
	if err != nil {
		return err
	}
	assigned := map[string]bool{}
	for _, a := range have {
		assigned[a.VillageCode] = true
	}
	for _, v := range id.Villages {
		if assigned[v] {
			continue
		}
		body := map[string]string{"commissioner_id": id.CommissionerID, "village_code": v, "start_date": "2024-01-01"}
		if _, err := admin.JSON(ctx, "POST /assignments", "POST", "/api/v1/assignments", body, nil); err != nil {
			return err
		}
	}
	return nil
}

// parallel runs fn(0..n-1) on workers goroutines and returns the first
// error; it stops handing out work after an error.
func parallel(ctx context.Context, n, workers int, fn func(i int) error) error {
	var (
		mu    sync.Mutex
		next  int
		first error
		wg    sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= n || first != nil || ctx.Err() != nil {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, ok := take(); ok; i, ok = take() {
				if err := fn(i); err != nil {
					mu.Lock()
					first = firstErr(first, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return firstErr(first, ctx.Err())
}

// firstErr returns a when it is an error, else b.
func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
