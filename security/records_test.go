package security_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// recordType is a field record type of the scope table: where it lives,
// how a side makes one, what a caller may change, and the grids of its
// five routes.
type recordType struct {
	name  string // the contract's type name, the key of its ids
	coll  string // the collection's route, e.g. /api/v1/plots/:id/observations
	param string // the path parameter of one record
	// parent is the type whose record the collection hangs below ("" for
	// top-level types); region says the list filters by ?region=.
	parent string
	region bool
	body   func(s *side) map[string]any
	patch  func() map[string]any
	// maker is the caller who makes the side's records: its commissioner
	// unless set (as a name for the in side, the out side).
	maker [2]string
	grids recordGrids
}

// recordGrids are the grids of a record type's create, list, read, patch
// and delete routes.
type recordGrids struct{ create, list, read, patch, del string }

// Grids of the records a commissioner keeps: it alone creates them in its
// villages; bureaus and township offices read within their region; the
// admin reads and changes anywhere; anyone outside scope gets 404.
var ownGrids = recordGrids{
	create: "all 403 owner 201/422 other 422/201 anon 401",
	list:   gridEveryone,
	read:   gridReadScoped,
	patch:  "admin 200 bureau 403/404 bureauX 404/403 town 403/404 townX 404 owner 200/404 other 404/200 anon 401",
	del:    "admin 204 bureau 403/404 bureauX 404/403 town 403/404 townX 404 owner 204/404 other 404/204 anon 401",
}

// childGrids are those of records below a plot or a household: a parent
// outside scope is 404 for every route below it.
var childGrids = recordGrids{
	create: "admin 403 bureau 403/404 bureauX 404/403 town 403/404 townX 404 owner 201/404 other 404/201 anon 401",
	list:   "admin 200 bureau 200/404 bureauX 404/200 town 200/404 townX 404 owner 200/404 other 404/200 anon 401",
	read:   gridReadScoped,
	patch:  ownGrids.patch,
	del:    ownGrids.del,
}

// projectGrids: bureaus also create and manage the projects of the
// commissioners they can see; township offices only read.
var projectGrids = recordGrids{
	create: "all 403 admin 201 bureau 201/422 bureauX 422/201 owner 201/422 other 422/201 anon 401",
	list:   gridEveryone,
	read:   gridReadScoped,
	patch:  "admin 200 bureau 200/404 bureauX 404/200 town 403/404 townX 404 owner 200/404 other 404/200 anon 401",
	del:    "admin 204 bureau 204/404 bureauX 404/204 town 403/404 townX 404 owner 204/404 other 404/204 anon 401",
}

// demandGrids: offices (the admin, bureaus, township offices) raise and
// edit demands in their region, a region outside it being a bad field;
// commissioners read those of their villages and may only claim and
// resolve them, so changing the content is refused as a bad field.
var demandGrids = recordGrids{
	create: "admin 201 bureau 201/422 bureauX 422/201 town 201/422 townX 422 owner 403 other 403 anon 401",
	list:   gridEveryone,
	read:   gridReadScoped,
	patch:  "admin 200 bureau 200/404 bureauX 404/200 town 200/404 townX 404 owner 422/404 other 404/422 anon 401",
	del:    "admin 204 bureau 204/404 bureauX 404/204 town 204/404 townX 404 owner 403/404 other 404/403 anon 401",
}

func fixed(m map[string]any) func() map[string]any { return func() map[string]any { return m } }

// recordTypes are the field record types, parents before children.
var recordTypes = []recordType{
	{name: "visit", coll: "/api/v1/visits", param: "id", region: true, grids: ownGrids, patch: fixed(map[string]any{"notes": "复查"}),
		body: func(s *side) map[string]any {
			return map[string]any{"village_code": s.village, "started_at": daysAgo(2, 9), "ended_at": daysAgo(2, 11),
				"lat": 29.13, "lng": 118.41, "category": "病虫害防治", "crops": []string{"茶叶"}, "farmers_served": 6}
		}},
	{name: "training", coll: "/api/v1/trainings", param: "id", region: true, grids: ownGrids, patch: fixed(map[string]any{"hours": 3}),
		body: func(s *side) map[string]any {
			return map[string]any{"region_code": s.village, "title": "茶园绿色防控培训", "held_at": daysAgo(3, 14), "hours": 2.5, "attendees": 45}
		}},
	{name: "plot", coll: "/api/v1/plots", param: "id", region: true, grids: ownGrids, patch: fixed(map[string]any{"name": "新名"}),
		body: func(s *side) map[string]any {
			return map[string]any{"village_code": s.village, "name": "白茶示范基地", "crop": "茶叶", "area_mu": 12.5, "established_on": "2024-03-01"}
		}},
	{name: "plot_observation", coll: "/api/v1/plots/:id/observations", param: "observation_id", parent: "plot", grids: childGrids,
		patch: fixed(map[string]any{"notes": "补记"}), body: func(s *side) map[string]any {
			return map[string]any{"observed_at": daysAgo(1, 8), "stage": "采摘期"}
		}},
	{name: "harvest", coll: "/api/v1/plots/:id/harvests", param: "harvest_id", parent: "plot", grids: childGrids,
		patch: fixed(map[string]any{"cost_fen_per_mu": 1}), body: func(s *side) map[string]any {
			return map[string]any{"season": "季" + uuid.NewString()[:8], "harvested_on": "2024-05-10", "yield_kg_per_mu": 52.5,
				"baseline_yield_kg_per_mu": 40, "price_fen_per_kg": 30000, "cost_fen_per_mu": 180000, "baseline_cost_fen_per_mu": 150000}
		}},
	{name: "household", coll: "/api/v1/households", param: "id", region: true, grids: ownGrids, patch: fixed(map[string]any{"members": 5}),
		body: func(s *side) map[string]any {
			return map[string]any{"village_code": s.village, "head_name": "王建国", "members": 4, "baseline_year": 2023, "baseline_income_fen": 3500000}
		}},
	{name: "income", coll: "/api/v1/households/:id/incomes", param: "income_id", parent: "household", grids: childGrids,
		patch: fixed(map[string]any{"income_fen": 200}), body: func(s *side) map[string]any {
			return map[string]any{"year": 2024, "income_fen": 4200000}
		}},
	{name: "project", coll: "/api/v1/projects", param: "id", region: true, grids: projectGrids, patch: fixed(map[string]any{"funds_fen": 1}),
		body: func(s *side) map[string]any {
			return map[string]any{"title": "白茶提质增效示范", "funds_fen": 50000000, "region_code": s.township, "start_date": "2024-01-01",
				"end_date": "2025-12-31", "commissioner_id": s.owner.Commissioner.ID}
		}},
	{name: "demand", coll: "/api/v1/demands", param: "id", region: true, grids: demandGrids, maker: [2]string{"town", "bureauX"},
		patch: func() map[string]any { return map[string]any{"description": fmt.Sprintf("请派专家%d", next())} }, body: func(s *side) map[string]any {
			return map[string]any{"region_code": s.village, "title": "茶园叶片发黄", "description": "请派茶叶专家", "category": "病虫害防治"}
		}},
}

// daysAgo is a time n days back at hour h in Asia/Shanghai, RFC 3339.
func daysAgo(n, h int) string {
	cst := time.FixedZone("CST", 8*3600)
	d := time.Now().In(cst).AddDate(0, 0, -n)
	return time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, cst).Format(time.RFC3339)
}

// collPath is the collection path of rt for side s: below the side's
// parent record for child types.
func (rt recordType) collPath(w *world, s int) string {
	return rt.collUnder(w.sides[s].ids[rt.parent])
}

// collUnder is the collection path of rt below parent ("" for top-level
// types).
func (rt recordType) collUnder(parent string) string {
	return strings.Replace(rt.coll, ":id", parent, 1)
}

// freshColl is a collection of rt on side s no call used before: below a
// new parent for child types (a household takes one income a year).
func (w *world) freshColl(rt recordType, s int) string {
	if rt.parent == "" {
		return rt.coll
	}
	return rt.collUnder(w.makeRecord(typeNamed(rt.parent), s, ""))
}

func typeNamed(name string) recordType {
	for _, rt := range recordTypes {
		if rt.name == name {
			return rt
		}
	}
	panic("no record type " + name)
}

// makeRecord creates a record of rt on side s in collection coll (the
// side's own when empty) as the side's maker and returns its id.
func (w *world) makeRecord(rt recordType, s int, coll string) string {
	w.t.Helper()
	if coll == "" {
		coll = rt.collPath(w, s)
	}
	maker := w.sides[s].owner.Token
	if rt.maker[s] != "" {
		maker = w.token(rt.maker[s])
	}
	body := rt.body(w.sides[s])
	body["id"] = uuid.NewString()
	r := w.env.Do("POST", coll, maker, body)
	if r.Status != 201 {
		w.t.Fatalf("make %s on the %s side: %d %s", rt.name, sideName(s), r.Status, r.Body)
	}
	return body["id"].(string)
}

// makeRecords gives each side one record of every type.
func (w *world) makeRecords() {
	for _, rt := range recordTypes {
		for s := range 2 {
			w.sides[s].ids[rt.name] = w.makeRecord(rt, s, "")
		}
	}
}

// recordRules are the five rules of every record type.
func recordRules() map[string]rule {
	out := map[string]rule{}
	for _, rt := range recordTypes {
		one := rt.coll + "/:" + rt.param
		list := rule{kind: kindList, want: rt.grids.list, target: rt.name, filtered: true, build: func(w *world, s int, who string) call {
			if rt.region {
				return call{path: rt.collPath(w, s) + "?limit=500&region=" + w.sides[s].township}
			}
			return call{path: rt.collPath(w, s) + "?limit=500"}
		}}
		onePath := func(w *world, s int) string { return rt.collPath(w, s) + "/" + w.sides[s].ids[rt.name] }
		out["POST "+rt.coll] = rule{kind: kindWrite, want: rt.grids.create, build: func(w *world, s int, who string) call {
			body := rt.body(w.sides[s])
			body["id"] = uuid.NewString()
			return call{path: w.freshColl(rt, s), body: body}
		}}
		out["GET "+rt.coll] = list
		out["GET "+one] = rule{kind: kindRead, want: rt.grids.read, build: func(w *world, s int, who string) call {
			return call{path: onePath(w, s)}
		}}
		out["PATCH "+one] = rule{kind: kindWrite, want: rt.grids.patch, build: func(w *world, s int, who string) call {
			return call{path: onePath(w, s), body: rt.patch()}
		}}
		out["DELETE "+one] = rule{kind: kindWrite, want: rt.grids.del, build: func(w *world, s int, who string) call {
			coll := w.freshColl(rt, s)
			return call{path: fmt.Sprintf("%s/%s", coll, w.makeRecord(rt, s, coll))}
		}}
	}
	return out
}
