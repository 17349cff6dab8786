package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// coverageResponse is the body of GET /stats/coverage.
type coverageResponse struct {
	Region   RegionRef              `json:"region"`
	From     string                 `json:"from"`
	To       string                 `json:"to"`
	Totals   models.CoverageFigures `json:"totals"`
	Children []models.CoverageRow   `json:"children"`
}

var coverageColumns = []Column{
	{Title: "区划代码", Width: 14}, {Title: "名称", Width: 20},
	{Title: "行政村数", Kind: ColInt}, {Title: "已联系村数", Kind: ColInt}, {Title: "已走访村数", Kind: ColInt},
	{Title: "联系覆盖率", Kind: ColPercent}, {Title: "走访覆盖率", Kind: ColPercent},
}

func (h *Stats) coverage(c echo.Context) error {
	req, err := h.request(c, false)
	if err != nil {
		return err
	}
	cov, err := h.d.DB.Coverage(c.Request().Context(), req.region.Code, req.period)
	if err != nil {
		return err
	}
	if req.format == FormatJSON {
		return c.JSON(http.StatusOK, coverageResponse{Region: req.ref(), From: req.period.From, To: req.period.To,
			Totals: cov.Totals, Children: cov.Children})
	}
	x := &Exporter{Name: req.fileName("coverage"), Sheet: "村级覆盖", Columns: coverageColumns, DB: h.d.DB}
	rows := append(cov.Children, models.CoverageRow{Code: req.region.Code, Name: req.region.Name + "合计", CoverageFigures: cov.Totals})
	return x.Write(c, req.format, func(emit func(...any) error) error {
		for _, r := range rows {
			if err := emit(r.Code, r.Name, r.RuralVillages, r.AssignedVillages, r.VisitedVillages, r.AssignedRate, r.VisitedRate); err != nil {
				return err
			}
		}
		return nil
	})
}

var gapColumns = []Column{
	{Title: "村代码", Width: 14}, {Title: "村名称", Width: 20}, {Title: "乡镇代码", Width: 12}, {Title: "乡镇名称", Width: 16},
}

func (h *Stats) gaps(c echo.Context) error {
	req, err := h.request(c, false)
	if err != nil {
		return err
	}
	kind := c.QueryParam("kind")
	if kind != models.GapUnassigned && kind != models.GapUnvisited {
		return apierr.BadRequest("kind 须为 unassigned 或 unvisited", "kind must be unassigned or unvisited")
	}
	ctx := c.Request().Context()
	if req.format != FormatJSON {
		x := &Exporter{Name: req.fileName(kind), Sheet: gapSheet[kind], Columns: gapColumns, DB: h.d.DB}
		return x.Write(c, req.format, func(emit func(...any) error) error {
			return h.d.DB.EachCoverageGap(ctx, req.region.Code, req.period, kind, func(g models.GapVillage) error {
				return emit(g.Code, g.Name, g.ParentCode, g.ParentName)
			})
		})
	}
	page, err := ParsePage(c)
	if err != nil {
		return err
	}
	after, err := parseGapCursor(page.Cursor)
	if err != nil {
		return err
	}
	items, err := h.d.DB.CoverageGaps(ctx, req.region.Code, req.period, kind, after, page.Limit+1)
	if err != nil {
		return err
	}
	out := List[models.GapVillage]{Items: append([]models.GapVillage{}, items...)}
	if len(items) > page.Limit {
		out.Items = items[:page.Limit]
		out.NextCursor = gapCursor(out.Items[page.Limit-1].Code)
	}
	return c.JSON(http.StatusOK, out)
}

var gapSheet = map[string]string{models.GapUnassigned: "未联系村", models.GapUnvisited: "未走访村"}
