package handlers

import (
	"strconv"

	"github.com/tepai/tepai/models"
)

// householdSpec describes farmer households served (服务农户): a
// commissioner's own records, in a village, with yearly incomes below them.
func householdSpec() *spec {
	sp := &spec{
		typ: TypeHousehold, path: "/households", idParam: "id", codeCol: "village_code", orderCol: "created_at",
		orderOf:  createdAt,
		newModel: func() models.Record { return &models.Household{} },
		newSlice: func() any { return &[]models.Household{} },
		newDTO:   func() recordDTO { return &householdDTO{} },
		code:     func(m models.Record) string { return m.(*models.Household).VillageCode },
		filters:  []string{"region"},
	}
	return sp.ownedBy()
}

// maxIncomeFen bounds a household's yearly income: 1 亿元.
const maxIncomeFen = 10000000000

// householdDTO is the body of a household.
type householdDTO struct {
	ID                string `json:"id"`
	VillageCode       string `json:"village_code"`
	HeadName          string `json:"head_name"`
	Members           int64  `json:"members"`
	BaselineYear      int64  `json:"baseline_year"`
	BaselineIncomeFen int64  `json:"baseline_income_fen"`
}

func (d *householdDTO) ident() *string { return &d.ID }

// check validates a household: a village in the caller's service area, the
// head's name, 1–50 members, a baseline year from 2000 to this year and a
// bounded baseline income.
func (d *householdDTO) check(ck *checker) {
	ck.region("village_code", d.VillageCode, []string{models.LevelVillage}, "")
	ck.text("head_name", d.HeadName, 50, true)
	ck.intIn("members", d.Members, 1, 50)
	ck.intIn("baseline_year", d.BaselineYear, 2000, ck.thisYear())
	ck.intIn("baseline_income_fen", d.BaselineIncomeFen, 0, maxIncomeFen)
}

// store writes a checked household into m.
func (d *householdDTO) store(m models.Record, ck *checker) {
	h := m.(*models.Household)
	h.VillageCode, h.HeadName = d.VillageCode, trim(d.HeadName)
	h.Members, h.BaselineYear, h.BaselineIncomeFen = int(d.Members), int(d.BaselineYear), d.BaselineIncomeFen
}

// thisYear is the request's year in Asia/Shanghai.
func (ck *checker) thisYear() int64 {
	y, _ := strconv.ParseInt(ck.today()[:4], 10, 64)
	return y
}

// incomeSpec describes a household's yearly incomes, below
// /households/{id}/incomes; they belong to the household's commissioner.
func incomeSpec(households *spec) *spec {
	sp := &spec{
		typ: TypeIncome, path: "/incomes", idParam: "income_id", orderCol: "created_at",
		orderOf:  createdAt,
		newModel: func() models.Record { return &models.Income{} },
		newSlice: func() any { return &[]models.Income{} },
		newDTO:   func() recordDTO { return &incomeDTO{} },
		parent:   households, parentCol: "household_id",
		parentOf: func(m models.Record) string { return m.(*models.Income).HouseholdID },
	}
	return sp.ownedBy()
}

// incomeDTO is the body of an income record.
type incomeDTO struct {
	ID          string `json:"id"`
	HouseholdID string `json:"household_id"`
	Year        int64  `json:"year"`
	IncomeFen   int64  `json:"income_fen"`
}

func (d *incomeDTO) ident() *string     { return &d.ID }
func (d *incomeDTO) parentRef() *string { return &d.HouseholdID }

// check validates an income: a year from the household's baseline year to
// this year, not recorded yet, and a bounded amount.
func (d *incomeDTO) check(ck *checker) {
	first := int64(2000)
	if h, ok := ck.parent.(*models.Household); ok {
		first = int64(h.BaselineYear)
	}
	ck.intIn("year", d.Year, first, ck.thisYear())
	ck.intIn("income_fen", d.IncomeFen, 0, maxIncomeFen)
	if !ck.fields.Has("year") && ck.parent != nil {
		ck.unique("year", "incomes", "household_id = ? AND year = ?", d.HouseholdID, d.Year)
	}
}

// store writes a checked income into m.
func (d *incomeDTO) store(m models.Record, ck *checker) {
	in := m.(*models.Income)
	in.HouseholdID, in.Year, in.IncomeFen = d.HouseholdID, int(d.Year), d.IncomeFen
}
