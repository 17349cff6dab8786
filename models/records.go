package models

import (
	"encoding/json"
	"time"

	"gorm.io/gorm"
)

// Meta is what every field record carries besides its content: the id the
// phone generated, the owner, the version, the hash of the body it was
// created with (for idempotent create) and its timestamps.
type Meta struct {
	ID             string         `gorm:"primaryKey" json:"id"`
	CommissionerID string         `json:"commissioner_id"`
	Version        int            `json:"version"`
	CreateHash     string         `json:"-"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	DeletedAt      gorm.DeletedAt `json:"-"`
}

// RecordMeta returns the record's meta data; every field record has it
// through the embedded Meta.
func (m *Meta) RecordMeta() *Meta { return m }

// Record is a pointer to any field record model (*Visit, *Plot, …).
type Record interface {
	RecordMeta() *Meta
}

// Visit is a field visit (服务日志/现场指导).
type Visit struct {
	Meta
	VillageCode   string     `json:"village_code"`
	StartedAt     time.Time  `json:"started_at"`
	EndedAt       time.Time  `json:"ended_at"`
	VisitDate     string     `json:"visit_date"`
	Lat           *float64   `json:"lat"`
	Lng           *float64   `json:"lng"`
	AccuracyM     *float64   `json:"accuracy_m"`
	Category      string     `json:"category"`
	Crops         []string   `gorm:"serializer:json" json:"crops"`
	Problem       string     `json:"problem"`
	Advice        string     `json:"advice"`
	FarmersServed int        `json:"farmers_served"`
	HouseholdIDs  []string   `gorm:"column:household_ids;serializer:json" json:"household_ids"`
	Leaflets      int        `json:"leaflets"`
	Technologies  []string   `gorm:"serializer:json" json:"technologies"`
	Varieties     []string   `gorm:"serializer:json" json:"varieties"`
	Notes         string     `json:"notes"`
	Flags         []string   `gorm:"serializer:json" json:"flags"`
	DeviceTime    *time.Time `json:"device_time,omitempty"`
	ReceivedAt    time.Time  `json:"received_at"`
}

// Training is a training session (培训).
type Training struct {
	Meta
	RegionCode     string    `json:"region_code"`
	Title          string    `json:"title"`
	HeldAt         time.Time `json:"held_at"`
	HeldDate       string    `json:"held_date"`
	Hours          float64   `json:"hours"`
	Attendees      int       `json:"attendees"`
	WomenAttendees *int      `json:"women_attendees"`
	Topics         []string  `gorm:"serializer:json" json:"topics"`
	Technologies   []string  `gorm:"serializer:json" json:"technologies"`
}

// Plot is a demonstration plot (示范基地/示范田).
type Plot struct {
	Meta
	VillageCode   string          `json:"village_code"`
	Name          string          `json:"name"`
	Crop          string          `json:"crop"`
	Variety       string          `json:"variety"`
	Technology    string          `json:"technology"`
	AreaMu        float64         `json:"area_mu"`
	Lat           *float64        `json:"lat"`
	Lng           *float64        `json:"lng"`
	Boundary      json.RawMessage `gorm:"serializer:json" json:"boundary"`
	EstablishedOn string          `json:"established_on"`
}

// PlotObservation is a season observation of a plot.
type PlotObservation struct {
	Meta
	PlotID     string    `json:"plot_id"`
	ObservedAt time.Time `json:"observed_at"`
	Stage      string    `json:"stage"`
	Notes      string    `json:"notes"`
}

// Harvest is a plot's result for one season; IncomeIncreaseFenPerMu is
// derived from the others.
type Harvest struct {
	Meta
	PlotID                 string  `json:"plot_id"`
	Season                 string  `json:"season"`
	HarvestedOn            string  `json:"harvested_on"`
	YieldKgPerMu           float64 `json:"yield_kg_per_mu"`
	BaselineYieldKgPerMu   float64 `json:"baseline_yield_kg_per_mu"`
	PriceFenPerKg          int64   `json:"price_fen_per_kg"`
	CostFenPerMu           int64   `json:"cost_fen_per_mu"`
	BaselineCostFenPerMu   int64   `json:"baseline_cost_fen_per_mu"`
	IncomeIncreaseFenPerMu int64   `json:"income_increase_fen_per_mu"`
}

// Household is a farmer household served (服务农户) with its baseline income.
type Household struct {
	Meta
	VillageCode       string `json:"village_code"`
	HeadName          string `json:"head_name"`
	Members           int    `json:"members"`
	BaselineYear      int    `json:"baseline_year"`
	BaselineIncomeFen int64  `json:"baseline_income_fen"`
}

// Income is a household's income in one year.
type Income struct {
	Meta
	HouseholdID string `json:"household_id"`
	Year        int    `json:"year"`
	IncomeFen   int64  `json:"income_fen"`
}

// Project is a commissioner project (科技特派员项目) with its funds.
type Project struct {
	Meta
	TeamID     string `json:"team_id"`
	RegionCode string `json:"region_code"`
	Title      string `json:"title"`
	FundsFen   int64  `json:"funds_fen"`
	StartDate  string `json:"start_date"`
	EndDate    string `json:"end_date"`
}

// Demand statuses.
const (
	DemandOpen     = "open"
	DemandClaimed  = "claimed"
	DemandResolved = "resolved"
)

// Demand is a need raised by a village or township ("订单式"), claimed and
// resolved by a commissioner.
type Demand struct {
	Meta
	RaisedBy    string     `json:"raised_by"`
	RegionCode  string     `json:"region_code"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Category    string     `json:"category"`
	Status      string     `json:"status"`
	ClaimedBy   string     `json:"claimed_by"`
	ClaimedAt   *time.Time `json:"claimed_at"`
	Resolution  string     `json:"resolution"`
	ResolvedAt  *time.Time `json:"resolved_at"`
}
