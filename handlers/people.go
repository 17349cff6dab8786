package handlers

import (
	"context"
	"encoding/base64"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/internal/textcheck"
	"github.com/tepai/tepai/models"
)

// Helpers shared by the auth and people handlers.

var (
	mobilePattern     = regexp.MustCompile(`^1[0-9]{10}$`)
	regionCodePattern = regexp.MustCompile(`^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$`)
)

// isMainlandMobile reports whether s is a mainland mobile number: 11
// digits starting with 1.
func isMainlandMobile(s string) bool { return mobilePattern.MatchString(s) }

// isCalendarDate reports whether s is a real date written YYYY-MM-DD.
func isCalendarDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// checkText adds a failure for field when s is empty (and required) or
// longer than max characters.
func checkText(f *apierr.Fields, field, s string, required bool, max int) {
	switch {
	case required && s == "":
		f.Add(field, "不能为空", "is required")
	case utf8.RuneCountInString(s) > max:
		f.Add(field, "过长", "is too long")
	}
}

// checkName checks the name of a person, place or group, or another
// one-line label, and brings *s to the form it is stored in (trimmed,
// Unicode normal form C; see internal/textcheck): required or not, at most
// max characters, no control or invisible format characters.
func checkName(f *apierr.Fields, field string, s *string, required bool, max int) {
	clean, problem := textcheck.Line(*s)
	if problem != textcheck.ProblemInvalid {
		*s = clean
	}
	switch {
	case problem == textcheck.ProblemInvalid:
		f.Add(field, "含有无效字符", "contains invalid characters")
	case problem == textcheck.ProblemControl:
		f.Add(field, "含有控制字符或不可见的格式字符", "contains control or invisible format characters")
	default:
		checkText(f, field, clean, required, max)
	}
}

// checkNewLogin validates the phone, password and name of a new login,
// bringing the name to the form it is stored in.
func checkNewLogin(f *apierr.Fields, phone, password string, name *string) {
	if !isMainlandMobile(phone) {
		f.Add("phone", "须为 11 位手机号码", "must be an 11-digit mainland mobile number starting with 1")
	}
	if len(password) < 8 || len(password) > 72 || password == phone {
		f.Add("password", passwordRuleZH, passwordRuleEN)
	}
	checkName(f, "name", name, true, 50)
}

// checkRegionField adds a failure for field unless code names an existing
// region of one of levels.
func checkRegionField(ctx context.Context, db *models.DB, f *apierr.Fields, field, code string, levels ...string) {
	if code == "" {
		f.Add(field, "不能为空", "is required")
		return
	}
	if !slices.Contains(levels, models.LevelOf(code)) {
		zh, en := wrongLevel(code, levels)
		f.Add(field, zh, en)
		return
	}
	if _, err := db.GetRegion(ctx, code); err != nil {
		f.Add(field, "行政区划不存在", "no such region")
	}
}

// duplicatePhone is the 409 for a phone another user already has.
func duplicatePhone() error {
	e := apierr.Conflict("该手机号已注册", "this phone number is already registered")
	e.Details = []apierr.Detail{{Field: "phone", ZH: "该手机号已注册", EN: "already registered"}}
	return e
}

// regionFilter reads the optional ?region= list filter; a value that is
// not a region code is 400.
func regionFilter(c echo.Context) (string, error) {
	r := c.QueryParam("region")
	if r != "" && !regionCodePattern.MatchString(r) {
		return "", apierr.BadRequest("region 须为行政区划代码", "region must be a region code")
	}
	return r, nil
}

// idPage reads ?limit= and ?cursor= for a list paged by id; the cursor is
// the base64url of the last id of the previous page.
func idPage(c echo.Context) (after string, limit int, err error) {
	p, err := ParsePage(c)
	if err != nil {
		return "", 0, err
	}
	if p.Cursor == "" {
		return "", p.Limit, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
	if err != nil || len(b) == 0 {
		return "", 0, apierr.BadRequest("cursor 无效", "invalid cursor")
	}
	return string(b), p.Limit, nil
}

// idCursor is the next_cursor continuing after id ("" at the end).
func idCursor(id string) string {
	if id == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(id))
}
