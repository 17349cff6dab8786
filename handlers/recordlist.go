package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

func (h *RecordHandlers) list(sp *spec) echo.HandlerFunc {
	return func(c echo.Context) error {
		parent, err := h.parentID(c, sp)
		if err != nil {
			return err
		}
		q, err := parseListQuery(c, sp)
		if err != nil {
			return err
		}
		q.parentID = parent
		format, err := ParseFormat(c)
		if err != nil {
			return err
		}
		switch {
		case format != FormatJSON && sp.typ == "visit":
			db, err := h.r.listRows(c.Request().Context(), Caller(c), sp, q)
			if err != nil {
				return err
			}
			return ExportVisits(c, h.r.db, format, exportFileName(c, sp.typ+"s", q), db)
		case format != FormatJSON:
			return h.exportRecords(c, sp, format, q)
		}
		recs, next, err := h.r.list(c.Request().Context(), Caller(c), sp, q)
		if err != nil {
			return err
		}
		out := List[models.Record]{Items: recs, NextCursor: next}
		if out.Items == nil {
			out.Items = []models.Record{}
		}
		return c.JSON(200, out)
	}
}

// parseListQuery reads the page and the filters sp takes; a malformed
// value is 400.
func parseListQuery(c echo.Context, sp *spec) (listQuery, error) {
	var q listQuery
	var err error
	if q.page, err = ParsePage(c); err != nil {
		return q, err
	}
	for _, f := range sp.filters {
		switch f {
		case "region":
			q.region = c.QueryParam("region")
			if q.region != "" && (!isDigits(q.region) || models.LevelOf(q.region) == "") {
				return q, apierr.BadRequest("region 须为 2、4、6、9 或 12 位区划代码", "region must be a region code of 2, 4, 6, 9 or 12 digits")
			}
		case "commissioner_id":
			q.commissionerID = c.QueryParam("commissioner_id")
		case "status":
			q.status = c.QueryParam("status")
			if q.status != "" && !contains([]string{models.DemandOpen, models.DemandClaimed, models.DemandResolved}, q.status) {
				return q, apierr.BadRequest("status 须为 open、claimed 或 resolved", "status must be open, claimed or resolved")
			}
		case "period":
			if q.from, q.to, err = ParsePeriod(c); err != nil {
				return q, err
			}
		}
	}
	return q, nil
}

// exportFileName names a list's export by its records, region and period:
// the region filter, else the caller's own region, and the period filter.
func exportFileName(c echo.Context, what string, q listQuery) string {
	region := q.region
	if p := Caller(c); region == "" && p != nil && p.Role != models.RoleCommissioner {
		region = p.RegionCode
	}
	first, last := PeriodDates(q.from, q.to)
	return ExportName(what, region, first, last)
}
