package clients_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tepai/tepai/clients/go/tepai"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

const (
	county   = "330824"       // 开化县
	township = "330824106"    // 桐村镇
	village  = "330824106207" // 建丰村委会
)

func ptr[T any](v T) *T { return &v }

// TestGeneratedClient signs in as a commissioner, pushes a visit twice
// (created, then unchanged), pulls it back and reads the county's
// coverage, all through the generated client, on each backend.
func TestGeneratedClient(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions("33")
		alice := env.NewUser(models.RoleCommissioner, township)
		env.Assign(alice.Commissioner, village, "2024-01-01")
		boss := env.NewUser(models.RoleBureau, county)
		ctx := context.Background()
		c, err := tepai.NewClientWithResponses(env.Server.URL)
		if err != nil {
			t.Fatal(err)
		}
		login, err := c.LoginWithResponse(ctx, tepai.LoginJSONRequestBody{Phone: alice.User.Phone, Password: alice.Password})
		if err != nil || login.JSON200 == nil {
			t.Fatalf("login: %v %d %s", err, login.StatusCode(), login.Body)
		}
		if login.JSON200.TokenType != tepai.TokenTypeBearer || login.JSON200.User.Role != tepai.RoleCommissioner {
			t.Fatalf("login answered %+v", login.JSON200)
		}
		as := func(token string) tepai.RequestEditorFn {
			return func(_ context.Context, req *http.Request) error {
				req.Header.Set("Authorization", "Bearer "+token)
				return nil
			}
		}
		id := "6C8E0A2C-4E6A-4C8E-9A1C-7E9A1C3E5A7C"
		start := time.Date(2024, 4, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
		var change tepai.SyncPushChange
		if err := change.FromSyncVisitChange(tepai.SyncVisitChange{Op: tepai.SyncChangeOpUpsert, BaseVersion: ptr(int64(0)),
			Record: tepai.VisitPatch{Id: ptr(uuid.MustParse(id)), VillageCode: ptr(village), Category: ptr("技术指导"),
				StartedAt: ptr(start), EndedAt: ptr(start.Add(150 * time.Minute)), Lat: ptr(29.136728), Lng: ptr(118.414539)}}); err != nil {
			t.Fatal(err)
		}
		body := tepai.PushChangesJSONRequestBody{DeviceId: "phone-7", Changes: []tepai.SyncPushChange{change}}
		for _, want := range []tepai.SyncPushResultStatus{tepai.SyncPushResultStatusCreated, tepai.SyncPushResultStatusUnchanged} {
			push, err := c.PushChangesWithResponse(ctx, body, as(login.JSON200.AccessToken))
			if err != nil || push.JSON200 == nil || len(push.JSON200.Results) != 1 {
				t.Fatalf("push: %v %d %s", err, push.StatusCode(), push.Body)
			}
			if r := push.JSON200.Results[0]; r.Status != want {
				t.Fatalf("push answered %+v, want %s", r, want)
			}
		}
		// The pull brings the visit back, typed by its change's type, with
		// the id in lower case and the longitude's sixth decimal kept.
		pull, err := c.PullChangesWithResponse(ctx, &tepai.PullChangesParams{}, as(login.JSON200.AccessToken))
		if err != nil || pull.JSON200 == nil {
			t.Fatalf("pull: %v %d %s", err, pull.StatusCode(), pull.Body)
		}
		var pulled *tepai.Visit
		for _, ch := range pull.JSON200.Changes {
			v, err := ch.ValueByDiscriminator()
			if err != nil {
				t.Fatalf("pulled change: %v", err)
			}
			if vc, ok := v.(tepai.SyncPulledVisitChange); ok {
				visit, err := vc.Record.AsVisit()
				if err != nil {
					t.Fatalf("pulled visit: %v", err)
				}
				pulled = &visit
			}
		}
		if pulled == nil || pulled.Id.String() != "6c8e0a2c-4e6a-4c8e-9a1c-7e9a1c3e5a7c" {
			t.Fatalf("the pull did not bring the visit: %s", pull.Body)
		}
		if pulled.Lng == nil || *pulled.Lng != 118.414539 || pulled.Lat == nil || *pulled.Lat != 29.136728 {
			t.Fatalf("pulled point %v %v, want 29.136728 118.414539", pulled.Lat, pulled.Lng)
		}
		year := int32(2024)
		cov, err := c.GetCoverageWithResponse(ctx, &tepai.GetCoverageParams{Region: ptr(county), Year: &year}, as(boss.Token))
		if err != nil || cov.JSON200 == nil {
			t.Fatalf("coverage: %v %d %s", err, cov.StatusCode(), cov.Body)
		}
		// 建丰村 is assigned and visited once in 2024: one village of each.
		if cov.JSON200.Totals.AssignedVillages != 1 || cov.JSON200.Totals.VisitedVillages != 1 {
			t.Fatalf("coverage totals %+v", cov.JSON200.Totals)
		}
	})
}
