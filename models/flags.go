package models

import (
	"slices"

	"gorm.io/gorm"
)

// SetFlag returns flags with flag present (on) or absent, keeping every
// other flag and their order.
func SetFlag(flags []string, flag string, on bool) []string {
	has := slices.Contains(flags, flag)
	switch {
	case on && !has:
		return append(slices.Clone(flags), flag)
	case !on && has:
		return slices.DeleteFunc(slices.Clone(flags), func(f string) bool { return f == flag })
	}
	if flags == nil {
		return []string{}
	}
	return flags
}

// FlagFarVisits sets far_from_village on each visit whose point lies more
// than FarLimitM from its village's reference point, and clears it on the
// others (no point, or no reference point yet, is no evidence). Other
// flags are kept. The visits being written do not count towards their
// villages' medians. Two queries for the whole batch.
func FlagFarVisits(tx *gorm.DB, visits []*Visit) error {
	var codes, ids []string
	for _, v := range visits {
		if v.Lat != nil && v.Lng != nil && !slices.Contains(codes, v.VillageCode) {
			codes = append(codes, v.VillageCode)
		}
		ids = append(ids, v.ID)
	}
	refs, err := RefPoints(tx, codes, ids)
	if err != nil {
		return err
	}
	for _, v := range visits {
		far := false
		if ref, ok := refs[v.VillageCode]; ok && v.Lat != nil && v.Lng != nil {
			far = DistanceM(*v.Lat, *v.Lng, ref.Lat, ref.Lng) > FarLimitM
		}
		v.Flags = SetFlag(v.Flags, FlagFarFromVillage, far)
	}
	return nil
}
