package gen

import (
	"fmt"
	"time"

	"github.com/tepai/tepai/models"
)

var (
	crops      = []string{"茶树", "水稻", "柑橘", "蔬菜", "食用菌", "中药材", "油菜", "毛竹", "清水鱼", "生猪", "葡萄", "猕猴桃"}
	techniques = []string{"绿色防控", "测土配方施肥", "水肥一体化", "机械化生产", "病虫害统防统治"}
	categories = []string{"病虫害防治", "栽培技术", "土肥管理", "品种引进", "养殖技术", "产品加工"}
)

// technology and variety draw from vocabularies of 60 technologies and 96
// varieties.
func (g *generator) technology() string { return g.pick(crops) + g.pick(techniques) }

func (g *generator) variety() string {
	return fmt.Sprintf("%s新品种%d号", g.pick(crops), 1+g.rng.IntN(8))
}

func (g *generator) some(n int, fn func() string) []string {
	var out []string
	for range g.rng.IntN(n + 1) {
		out = append(out, fn())
	}
	return out
}

// worker picks a commissioner; a commissioner's field days are drawn once,
// so that several visits fall on one day as they do in the field.
func (g *generator) worker(days map[*person][]time.Time) (*person, time.Time) {
	p := g.people[g.rng.IntN(len(g.people))]
	fd := days[p]
	if fd == nil {
		for range 25 + g.rng.IntN(30) {
			fd = append(fd, time.Date(g.opt.Year, 1, 1, 0, 0, 0, 0, cst).AddDate(0, 0, g.rng.IntN(365)))
		}
		days[p] = fd
	}
	return p, g.onDay(fd[g.rng.IntN(len(fd))])
}

func (g *generator) point() (*float64, *float64) {
	lat, lng := 27.2+g.rng.Float64()*3.8, 118.1+g.rng.Float64()*4.3
	return &lat, &lng
}

// visits writes the year's field visits, mostly to assigned villages.
func (g *generator) visits() error {
	b := batch[models.Visit]{g: g}
	days := map[*person][]time.Time{}
	for range g.n(baseVisits) {
		p, start := g.worker(days)
		village := g.pick(p.villages)
		if g.rng.IntN(10) == 0 {
			village = g.pick(g.counties[p.c.RegionCode])
		}
		lat, lng := g.point()
		acc := 5 + g.rng.Float64()*30
		v := models.Visit{Meta: models.Meta{ID: models.NewID(), CommissionerID: p.c.ID, Version: 1, CreatedAt: g.now, UpdatedAt: g.now},
			VillageCode: village, StartedAt: start, EndedAt: start.Add(time.Duration(30+g.rng.IntN(150)) * time.Minute),
			VisitDate: start.In(cst).Format(time.DateOnly), Lat: lat, Lng: lng, AccuracyM: &acc, Category: g.pick(categories),
			Crops: []string{p.c.Specialty}, Problem: "田间调查发现问题", Advice: "现场指导并提出技术建议",
			FarmersServed: 1 + g.rng.IntN(30), Leaflets: g.rng.IntN(40), Technologies: g.some(2, g.technology),
			Varieties: g.some(1, g.variety), ReceivedAt: start.Add(2 * time.Hour)}
		if err := b.add(v); err != nil {
			return err
		}
	}
	g.counts.Visits = b.n
	return b.flush()
}

// trainings writes trainings at assigned villages or their townships.
func (g *generator) trainings() error {
	b := batch[models.Training]{g: g}
	for range g.n(baseTrainings) {
		p := g.people[g.rng.IntN(len(g.people))]
		region := g.pick(p.villages)
		if g.rng.IntN(10) < 3 {
			region = region[:9]
		}
		held := g.day()
		n := 10 + g.rng.IntN(110)
		women := n * g.rng.IntN(60) / 100
		t := models.Training{Meta: models.Meta{ID: models.NewID(), CommissionerID: p.c.ID, Version: 1, CreatedAt: g.now, UpdatedAt: g.now},
			RegionCode: region, Title: p.c.Specialty + "实用技术培训", HeldAt: held, HeldDate: held.In(cst).Format(time.DateOnly),
			Hours: float64(2 + g.rng.IntN(3)), Attendees: n, WomenAttendees: &women, Topics: []string{p.c.Specialty},
			Technologies: g.some(2, g.technology)}
		if err := b.add(t); err != nil {
			return err
		}
	}
	g.counts.Trainings = b.n
	return b.flush()
}
