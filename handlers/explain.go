package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// Error messages that say what to fix: the expected region level, the
// valid record types, the caller's scope.

// levelDigits is how many digits a region code of each level has.
var levelDigits = map[string]int{models.LevelProvince: 2, models.LevelCity: 4, models.LevelCounty: 6,
	models.LevelTownship: 9, models.LevelVillage: 12}

// levelZH names region levels in Chinese.
var levelZH = map[string]string{models.LevelProvince: "省", models.LevelCity: "市", models.LevelCounty: "县",
	models.LevelTownship: "乡镇", models.LevelVillage: "村"}

// wrongLevel explains a region code that is not of one of levels: the
// levels expected, with their digit counts, and the level code has.
func wrongLevel(code string, levels []string) (zh, en string) {
	var wantZH, wantEN []string
	for _, l := range levels {
		wantZH = append(wantZH, fmt.Sprintf("%s级（%d 位）", levelZH[l], levelDigits[l]))
		wantEN = append(wantEN, fmt.Sprintf("a %s code (%d digits)", l, levelDigits[l]))
	}
	zh = "须为" + strings.Join(wantZH, "或") + "区划代码"
	en = "must be " + strings.Join(wantEN, " or ")
	if got := models.LevelOf(code); got != "" && isDigits(code) {
		zh += fmt.Sprintf("；%s 是%s级代码（%d 位）", code, levelZH[got], len(code))
		en += fmt.Sprintf("; %s is a %s code (%d digits)", code, got, len(code))
	} else {
		zh += fmt.Sprintf("；%q 不是区划代码", code)
		en += fmt.Sprintf("; %q is not a region code", code)
	}
	return zh, en
}

// unknownType is the 422 detail for a record type the sync does not know,
// listing the ones it does.
func unknownType(typ string, specs map[string]*spec) *apierr.Error {
	valid := make([]string, 0, len(specs))
	for k := range specs {
		valid = append(valid, k)
	}
	sort.Strings(valid)
	zh, en := fmt.Sprintf("未知的记录类型 %q", typ), fmt.Sprintf("unknown record type %q", typ)
	if typ == "" {
		zh, en = "须为记录类型名（字符串）", "must be a record type name (a string)"
	}
	e, _ := apierr.As(apierr.Invalid("type",
		zh+"；可用的类型："+strings.Join(valid, "、"), en+"; valid types: "+strings.Join(valid, ", ")))
	return e
}

// roleZH names roles in Chinese.
var roleZH = map[string]string{models.RoleAdmin: "管理员", models.RoleBureau: "科技局", models.RoleTownship: "乡镇",
	models.RoleCommissioner: "特派员"}

// ScopeOf describes p's role and scope region, with the region's name, for
// a 403 that tells the caller what it may reach.
func ScopeOf(ctx context.Context, db *models.DB, p *models.Principal) (zh, en string) {
	if p.Role == models.RoleAdmin && p.RegionCode == "" {
		return "你的角色是管理员（admin），范围是全国", "your role is admin, your scope is the whole country"
	}
	name := ""
	if r, err := db.GetRegion(ctx, p.RegionCode); err == nil {
		name = " " + r.Name
	}
	return fmt.Sprintf("你的角色是%s（%s），范围是 %s%s", roleZH[p.Role], p.Role, p.RegionCode, name),
		fmt.Sprintf("your role is %s, your scope is %s%s", p.Role, p.RegionCode, name)
}

// explainForbidden adds the caller's scope to the plain 403 of every
// forbidden result of a push.
func (h *Sync) explainForbidden(c echo.Context, out []ApplyResult) {
	plain := apierr.Forbidden()
	zh, en := "", ""
	for i, r := range out {
		if r.Error == nil || r.Error.Status != plain.Status || r.Error.ZH != plain.ZH {
			continue
		}
		if zh == "" {
			zh, en = ScopeOf(c.Request().Context(), h.d.DB, Caller(c))
		}
		e := *r.Error
		e.ZH, e.EN = e.ZH+"："+zh, e.EN+": "+en
		out[i].Error = &e
	}
}
