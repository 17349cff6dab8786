package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// servicesResponse is the body of GET /stats/services.
type servicesResponse struct {
	Region  RegionRef             `json:"region"`
	From    string                `json:"from"`
	To      string                `json:"to"`
	GroupBy string                `json:"group_by"`
	Totals  models.ServiceFigures `json:"totals"`
	Groups  []models.ServiceGroup `json:"groups"`
}

var servicesColumns = []Column{
	{Title: "分组", Width: 14}, {Title: "名称", Width: 20},
	{Title: "走访次数", Kind: ColInt}, {Title: "下乡服务天数", Kind: ColInt}, {Title: "培训期数", Kind: ColInt},
	{Title: "培训人次", Kind: ColInt}, {Title: "示范基地数", Kind: ColInt}, {Title: "示范面积（亩）", Kind: ColDecimal},
	{Title: "推广新技术（项）", Kind: ColInt}, {Title: "引进新品种（个）", Kind: ColInt},
	{Title: "发放技术资料（份）", Kind: ColInt}, {Title: "服务农民（人次）", Kind: ColInt},
}

func (h *Stats) services(c echo.Context) error {
	req, err := h.request(c, false)
	if err != nil {
		return err
	}
	groupBy := c.QueryParam("group_by")
	switch groupBy {
	case "":
		groupBy = models.GroupByRegion
	case models.GroupByRegion, models.GroupByMonth, models.GroupByCommissioner:
	default:
		return apierr.BadRequest("group_by 须为 region、month 或 commissioner", "group_by must be region, month or commissioner")
	}
	s, err := h.d.DB.Services(c.Request().Context(), req.region.Code, req.period, groupBy)
	if err != nil {
		return err
	}
	if req.format == FormatJSON {
		return c.JSON(http.StatusOK, servicesResponse{Region: req.ref(), From: req.period.From, To: req.period.To,
			GroupBy: groupBy, Totals: s.Totals, Groups: append([]models.ServiceGroup{}, s.Groups...)})
	}
	x := &Exporter{Name: req.fileName("services-by-" + groupBy), Sheet: "服务成效", Columns: servicesColumns, DB: h.d.DB}
	rows := append(s.Groups, models.ServiceGroup{Key: req.region.Code, Name: req.region.Name + "合计", ServiceFigures: s.Totals})
	return x.Write(c, req.format, func(emit func(...any) error) error {
		for _, g := range rows {
			err := emit(g.Key, g.Name, g.Visits, g.VisitDays, g.Trainings, g.Trainees, g.Plots, g.PlotAreaMu,
				g.Technologies, g.Varieties, g.Leaflets, g.FarmersServed)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// incomeResponse is the body of GET /stats/income.
type incomeResponse struct {
	Region RegionRef `json:"region"`
	Year   int       `json:"year"`
	models.IncomeFigures
}

var incomeColumns = []Column{
	{Title: "区划代码", Width: 14}, {Title: "名称", Width: 20}, {Title: "年度"},
	{Title: "服务农户（户）", Kind: ColInt}, {Title: "增收农户（户）", Kind: ColInt},
	{Title: "农户增收总额（元）", Kind: ColDecimal}, {Title: "户均增收（元）", Kind: ColDecimal},
	{Title: "示范基地带动增收（元）", Kind: ColDecimal},
}

func (h *Stats) income(c echo.Context) error {
	req, err := h.request(c, true)
	if err != nil {
		return err
	}
	year := req.year
	f, err := h.d.DB.Income(c.Request().Context(), req.region.Code, year)
	if err != nil {
		return err
	}
	if req.format == FormatJSON {
		return c.JSON(http.StatusOK, incomeResponse{Region: req.ref(), Year: year, IncomeFigures: f})
	}
	x := &Exporter{Name: req.fileName("income"), Sheet: "农民增收", Columns: incomeColumns, DB: h.d.DB}
	return x.Write(c, req.format, func(emit func(...any) error) error {
		return emit(req.region.Code, req.region.Name, year, f.Households, f.HouseholdsIncreased,
			yuan(f.IncomeIncreaseFen), yuan(f.AvgIncreaseFen), yuan(f.PlotIncomeIncreaseFen))
	})
}

// yuan converts fen to yuan for exports.
func yuan(fen int64) float64 { return float64(fen) / 100 }
