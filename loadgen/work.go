package loadgen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand"
	"time"

	"github.com/google/uuid"
)

// Field-work vocabulary the generated records draw from.
var (
	specialties  = []string{"茶叶", "清水鱼养殖", "中药材", "食用菌", "水稻", "柑橘"}
	categories   = []string{"病虫害防治", "栽培技术", "土壤肥料", "品种引进", "养殖技术", "农产品加工"}
	crops        = []string{"茶叶", "水稻", "油茶", "香菇", "黄精", "柑橘", "玉米"}
	technologies = []string{"绿色防控", "测土配方施肥", "稻渔综合种养", "设施栽培", "水肥一体化"}
	varieties    = []string{"中茶108", "甬优1540", "浙农大2号", "龙井43", "红美人"}
)

// kaihua is the centre of Kaihua County, near which the phones' GPS lies.
var kaihua = [2]float64{29.137, 118.413}

// held is a record a phone holds, with what the verification compares.
type held struct {
	Type     string // "visit" or "training"
	ID       string
	Region   string // village_code or region_code
	Count    int    // farmers_served or attendees
	Record   any
	Acked    bool
	Version  int    // the version the server acknowledged
	Partial  bool   // from a partial ledger: may be absent from a backup (see Verification.Partial)
	Rejected string // the push result or status that refused it
}

// heldPhoto is a photo a phone holds.
type heldPhoto struct {
	ID, OwnerType, OwnerID string
	TakenAt                time.Time
	Lat, Lng               float64
	SHA256                 string
	Size                   int64
	Tus                    bool
	Acked                  bool
	Failed                 string
	Partial                bool // from a partial ledger
}

// recordDays appends cfg.Days days of offline work to the phone: visits in
// its villages, a training each day, and photos on them.
func (p *phone) recordDays() {
	for d := range p.cfg.Days {
		k := p.round*p.cfg.Days + d
		day := time.Now().In(shanghai).AddDate(0, 0, -(k%300 + 1))
		base := time.Date(day.Year(), day.Month(), day.Day(), 8, 30, 0, 0, shanghai)
		var visits []*held
		for v := range p.cfg.VisitsPerDay {
			visits = append(visits, p.newVisit(base.Add(time.Duration(v)*75*time.Minute), v+k))
		}
		training := p.newTraining(base.Add(10*time.Hour+30*time.Minute), k)
		p.records = append(p.records, visits...)
		p.records = append(p.records, training)
		for j := range p.cfg.PhotosPerDay {
			owner := visits[(k+j)%len(visits)]
			if (k+j)%4 == 3 {
				owner = training
			}
			p.newPhoto(owner)
		}
	}
}

func (p *phone) newVisit(start time.Time, n int) *held {
	r := p.rng
	v := &Visit{
		ID: uuid.NewString(), VillageCode: p.id.Villages[n%len(p.id.Villages)],
		StartedAt: start, EndedAt: start.Add(time.Duration(30+r.Intn(30)) * time.Minute),
		Lat: kaihua[0] + r.Float64()*0.2 - 0.1, Lng: kaihua[1] + r.Float64()*0.2 - 0.1, AccuracyM: float64(5 + r.Intn(25)),
		Category: pick(r, categories), Crops: []string{pick(r, crops)},
		Problem: "叶片发黄，疑似缺氮", Advice: "追施尿素每亩5公斤，注意排水",
		FarmersServed: 1 + r.Intn(30), Leaflets: r.Intn(20),
		Technologies: []string{pick(r, technologies)}, Varieties: []string{pick(r, varieties)},
		Notes: fmt.Sprintf("第%d次下乡", n+1),
	}
	return &held{Type: "visit", ID: v.ID, Region: v.VillageCode, Count: v.FarmersServed, Record: v}
}

func (p *phone) newTraining(at time.Time, n int) *held {
	r := p.rng
	attendees := 10 + r.Intn(50)
	t := &Training{
		ID: uuid.NewString(), RegionCode: p.id.Villages[n%len(p.id.Villages)],
		Title: pick(r, crops) + "实用技术培训", HeldAt: at, Hours: float64(1 + r.Intn(3)),
		Attendees: attendees, WomenAttendees: r.Intn(attendees + 1),
		Topics: []string{pick(r, categories)}, Technologies: []string{pick(r, technologies)},
	}
	return &held{Type: "training", ID: t.ID, Region: t.RegionCode, Count: t.Attendees, Record: t}
}

// newPhoto takes a photo of owner: the time and place come from the
// record, and the bytes are hashed now and made again at upload.
func (p *phone) newPhoto(owner *held) {
	ph := &heldPhoto{ID: uuid.NewString(), OwnerType: owner.Type, OwnerID: owner.ID, Lat: kaihua[0], Lng: kaihua[1]}
	switch rec := owner.Record.(type) {
	case *Visit:
		ph.TakenAt, ph.Lat, ph.Lng = rec.StartedAt.Add(10*time.Minute), rec.Lat, rec.Lng
	case *Training:
		ph.TakenAt = rec.HeldAt.Add(20 * time.Minute)
	}
	ph.Tus = p.rng.Float64() < p.cfg.TusShare
	data := p.photoBytes(ph)
	sum := sha256.Sum256(data)
	ph.SHA256, ph.Size = hex.EncodeToString(sum[:]), int64(len(data))
	p.photos = append(p.photos, ph)
}

func (p *phone) photoBytes(ph *heldPhoto) []byte {
	return p.pool.Photo(ph.ID, ph.TakenAt, ph.Lat, ph.Lng)
}

func pick(r *rand.Rand, from []string) string { return from[r.Intn(len(from))] }
