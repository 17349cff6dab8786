package gen

import (
	"fmt"

	"github.com/tepai/tepai/models"
)

var (
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "郑"}
	given    = []string{"建国", "志强", "海燕", "丽华", "文军", "晓明", "国平", "秀英", "振华", "雪梅", "永红", "春生", "立新", "美玲", "卫东", "桂芳"}
	orgs     = []string{"浙江大学", "浙江省农业科学院", "浙江农林大学", "市农业农村局", "县农业技术推广中心", "县林业局"}
	fields   = []string{"茶叶", "水稻", "蔬菜", "食用菌", "中药材", "清水鱼养殖", "柑橘", "畜牧"}
)

// commissioners creates each commissioner with its login (which cannot
// sign in), based in the county of a random rural village, so that
// counties get commissioners in proportion to their villages.
func (g *generator) commissioners() error {
	var all []string
	for _, c := range g.order {
		all = append(all, g.counties[c]...)
	}
	users := batch[models.User]{g: g}
	cs := batch[models.Commissioner]{g: g}
	for i := range g.n(baseCommissioners) {
		county := g.pick(all)[:6]
		u := models.User{ID: models.NewID(), Phone: fmt.Sprintf("17%d%08d", g.opt.Seed%10, i), PasswordHash: "!",
			Name: g.pick(surnames) + g.pick(given), Role: models.RoleCommissioner, RegionCode: county, Version: 1,
			CreatedAt: g.now, UpdatedAt: g.now}
		level := models.CommissionerCounty
		switch r := g.rng.IntN(20); {
		case r < 2:
			level = models.CommissionerProvince
		case r < 7:
			level = models.CommissionerCity
		}
		end := fmt.Sprintf("%d-12-31", g.opt.Year+1)
		if g.rng.IntN(20) == 0 {
			end = fmt.Sprintf("%d-12-31", g.opt.Year-1) // term over: not counted
		}
		p := &person{c: models.Commissioner{ID: models.NewID(), UserID: u.ID, Name: u.Name, Phone: u.Phone, Level: level,
			Organization: g.pick(orgs), Specialty: g.pick(fields), Batch: "第十四批", TermStart: fmt.Sprintf("%d-01-01", g.opt.Year-1),
			TermEnd: end, RegionCode: county, Version: 1, CreatedAt: g.now, UpdatedAt: g.now}}
		g.people = append(g.people, p)
		if err := users.add(u); err != nil {
			return err
		}
		if err := cs.add(p.c); err != nil {
			return err
		}
	}
	g.counts.Commissioners = len(g.people)
	if err := users.flush(); err != nil {
		return err
	}
	return cs.flush()
}

// assignments links about 85% of each county's rural villages to its
// commissioners in turn (a tenth of them ending mid-year), and forms a
// team of 3–5 commissioners per 25, each assigned to one village.
func (g *generator) assignments() error {
	byCounty := map[string][]*person{}
	for _, p := range g.people {
		byCounty[p.c.RegionCode] = append(byCounty[p.c.RegionCode], p)
	}
	as := batch[models.Assignment]{g: g}
	for _, county := range g.order {
		staff := byCounty[county]
		if len(staff) == 0 {
			continue
		}
		villages := append([]string(nil), g.counties[county]...)
		g.rng.Shuffle(len(villages), func(i, j int) { villages[i], villages[j] = villages[j], villages[i] })
		for i, v := range villages[:len(villages)*85/100] {
			p := staff[i%len(staff)]
			p.villages = append(p.villages, v)
			a := models.Assignment{ID: models.NewID(), CommissionerID: p.c.ID, VillageCode: v,
				StartDate: fmt.Sprintf("%d-03-01", g.opt.Year-1), Version: 1, CreatedAt: g.now, UpdatedAt: g.now}
			if g.rng.IntN(10) == 0 {
				a.EndDate = fmt.Sprintf("%d-06-30", g.opt.Year)
			}
			if err := as.add(a); err != nil {
				return err
			}
		}
		for _, p := range staff {
			if len(p.villages) == 0 {
				p.villages = []string{g.pick(g.counties[county])}
			}
		}
	}
	if err := g.teams(byCounty, &as); err != nil {
		return err
	}
	g.counts.Assignments = as.n
	return as.flush()
}

func (g *generator) teams(byCounty map[string][]*person, as *batch[models.Assignment]) error {
	var teams []models.Team
	var members []models.TeamMember
	for range g.n(baseCommissioners / 25) {
		p := g.people[g.rng.IntN(len(g.people))]
		staff := byCounty[p.c.RegionCode]
		t := models.Team{ID: models.NewID(), Name: p.c.Specialty + "科技特派员服务团", RegionCode: p.c.RegionCode, Version: 1,
			CreatedAt: g.now, UpdatedAt: g.now}
		seen := map[string]bool{}
		for i := range 3 + g.rng.IntN(3) {
			m := staff[g.rng.IntN(len(staff))]
			if !seen[m.c.ID] {
				seen[m.c.ID] = true
				members = append(members, models.TeamMember{TeamID: t.ID, CommissionerID: m.c.ID, Chief: i < 2})
			}
		}
		teams = append(teams, t)
		err := as.add(models.Assignment{ID: models.NewID(), TeamID: t.ID, VillageCode: g.pick(g.counties[p.c.RegionCode]),
			StartDate: fmt.Sprintf("%d-01-01", g.opt.Year), Version: 1, CreatedAt: g.now, UpdatedAt: g.now})
		if err != nil {
			return err
		}
	}
	g.counts.Teams = len(teams)
	if err := insert(g, teams); err != nil {
		return err
	}
	return insert(g, members)
}
