package models

import (
	"time"

	"gorm.io/gorm"
)

// Commissioner levels.
const (
	CommissionerProvince = "province"
	CommissionerCity     = "city"
	CommissionerCounty   = "county"
)

// Commissioner is a science and technology commissioner (科技特派员) with
// its own login.
type Commissioner struct {
	ID           string         `gorm:"primaryKey" json:"id"`
	UserID       string         `json:"user_id"`
	Name         string         `json:"name"`
	Phone        string         `json:"phone"`
	Level        string         `json:"level"`
	Organization string         `json:"organization"`
	Specialty    string         `json:"specialty"`
	Batch        string         `json:"batch"`
	TermStart    string         `json:"term_start"`
	TermEnd      string         `json:"term_end"`
	RegionCode   string         `json:"region_code"`
	Version      int            `json:"version"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
	DeletedAt    gorm.DeletedAt `json:"-"`
}

// Team is a commissioner service team (服务团/团队特派员) with one or two
// chiefs.
type Team struct {
	ID         string         `gorm:"primaryKey" json:"id"`
	Name       string         `json:"name"`
	RegionCode string         `json:"region_code"`
	Version    int            `json:"version"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
	DeletedAt  gorm.DeletedAt `json:"-"`
}

// TeamMember is one commissioner of a team; chiefs are members too.
type TeamMember struct {
	TeamID         string `gorm:"primaryKey"`
	CommissionerID string `gorm:"primaryKey"`
	Chief          bool
}

// Assignment links a commissioner or a team to a village from StartDate to
// EndDate (both inclusive; EndDate empty while open-ended).
type Assignment struct {
	ID             string         `gorm:"primaryKey" json:"id"`
	CommissionerID string         `json:"commissioner_id,omitempty"`
	TeamID         string         `json:"team_id,omitempty"`
	VillageCode    string         `json:"village_code"`
	StartDate      string         `json:"start_date"`
	EndDate        string         `json:"end_date,omitempty"`
	Version        int            `json:"version"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	DeletedAt      gorm.DeletedAt `json:"-"`
}
