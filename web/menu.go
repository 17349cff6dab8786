package web

import (
	"strconv"
	"time"

	"github.com/tepai/tepai/models"
)

// menuItem is one entry of the console's navigation.
type menuItem struct {
	Href, Label string
	Active      bool
}

// Menu lists the sections the caller's role may open, the current one
// marked.
func (v *view) Menu() []menuItem {
	if v.User == nil {
		return nil
	}
	year := strconv.Itoa(time.Now().In(shanghai).Year())
	var items []struct{ key, href string }
	if v.User.Role == models.RoleCommissioner {
		items = append(items, struct{ key, href string }{"evaluation", "/evaluations/" + year + "/commissioners/" + v.User.CommissionerID})
	} else {
		items = []struct{ key, href string }{
			{"coverage", "/coverage"}, {"activity", "/activity"}, {"services", "/services"},
			{"income", "/income"}, {"report", "/report"}, {"evaluation", "/evaluations/" + year},
		}
		if v.User.Role != models.RoleTownship {
			items = append(items, struct{ key, href string }{"people", "/people"})
		}
	}
	out := make([]menuItem, 0, len(items))
	for _, it := range items {
		out = append(out, menuItem{Href: it.href, Label: v.T(it.key), Active: it.key == v.Nav})
	}
	return out
}
