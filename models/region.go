package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Region levels, by code length.
const (
	LevelProvince = "province"
	LevelCity     = "city"
	LevelCounty   = "county"
	LevelTownship = "township"
	LevelVillage  = "village"
)

// Region is an administrative division (行政区划) of the NBS code tree.
type Region struct {
	Code       string `gorm:"primaryKey" json:"code"`
	Name       string `json:"name"`
	Level      string `json:"level"`
	ParentCode string `json:"parent_code"`
	Rural      bool   `json:"rural"`
}

// LevelOf returns the level a code of this length names, or "" when no
// level has that length.
func LevelOf(code string) string {
	switch len(code) {
	case 2:
		return LevelProvince
	case 4:
		return LevelCity
	case 6:
		return LevelCounty
	case 9:
		return LevelTownship
	case 12:
		return LevelVillage
	}
	return ""
}

// ParentOf returns the code of a code's parent ("" for a province).
func ParentOf(code string) string {
	switch len(code) {
	case 4:
		return code[:2]
	case 6:
		return code[:4]
	case 9:
		return code[:6]
	case 12:
		return code[:9]
	}
	return ""
}

// IsRuralCode reports whether a 12-digit village-level code is a villagers'
// committee (村委会): its last three digits are 200–399.
func IsRuralCode(code string) bool {
	if len(code) != 12 {
		return false
	}
	tail := code[9:]
	return tail >= "200" && tail <= "399"
}

// GetRegion loads one region.
func (db *DB) GetRegion(ctx context.Context, code string) (*Region, error) {
	if c := readCacheOf(ctx); c != nil {
		if r, known := c.regions[code]; known {
			if r == nil {
				return nil, fmt.Errorf("get region %s: %w", code, gorm.ErrRecordNotFound)
			}
			cp := *r
			return &cp, nil
		}
	}
	var r Region
	if err := db.WithContext(ctx).Where("code = ?", code).Take(&r).Error; err != nil {
		return nil, fmt.Errorf("get region %s: %w", code, err)
	}
	return &r, nil
}

// RegionChildren lists the regions whose parent is code, in code order,
// starting after the code after ("" for the first page), at most limit.
func (db *DB) RegionChildren(ctx context.Context, code, after string, limit int) ([]Region, error) {
	var rs []Region
	err := db.WithContext(ctx).Where("parent_code = ? AND code > ?", code, after).
		Order("code").Limit(limit).Find(&rs).Error
	if err != nil {
		return nil, fmt.Errorf("children of region %s: %w", code, err)
	}
	return rs, nil
}
