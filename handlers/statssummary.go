package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/models"
)

// summaryResponse is the body of GET /stats/summary.
type summaryResponse struct {
	Region    RegionRef      `json:"region"`
	Year      int            `json:"year"`
	Figures   summaryFigures `json:"figures"`
	Sentences []string       `json:"sentences"`
}

// summaryFigures are the report's figures, with the money also in 万元 as
// reports write it.
type summaryFigures struct {
	*models.SummaryFigures
	ProjectFundsWan       string `json:"project_funds_wan"`
	IncomeIncreaseWan     string `json:"income_increase_wan"`
	PlotIncomeIncreaseWan string `json:"plot_income_increase_wan"`
}

var summaryColumns = []Column{
	{Title: "指标", Width: 24}, {Title: "数值", Kind: ColDecimal, Width: 14}, {Title: "单位", Width: 8}, {Title: "报告表述", Width: 80},
}

func (h *Stats) summary(c echo.Context) error {
	req, err := h.request(c, true)
	if err != nil {
		return err
	}
	f, err := h.d.DB.Summary(c.Request().Context(), req.region.Code, req.year)
	if err != nil {
		return err
	}
	report := summaryReport(req.region.Name, req.year, f)
	if req.format == FormatJSON {
		out := summaryResponse{Region: req.ref(), Year: req.year, Figures: summaryFigures{SummaryFigures: f,
			ProjectFundsWan: wan(f.ProjectFundsFen), IncomeIncreaseWan: wan(f.IncomeIncreaseFen),
			PlotIncomeIncreaseWan: wan(f.PlotIncomeIncreaseFen)}}
		for _, g := range report {
			out.Sentences = append(out.Sentences, g.sentence)
		}
		return c.JSON(http.StatusOK, out)
	}
	x := &Exporter{Name: fmt.Sprintf("summary-%s-%d", req.region.Code, req.year), Sheet: "工作总结", Columns: summaryColumns}
	return x.Write(c, req.format, func(emit func(...any) error) error {
		for _, g := range report {
			for i, l := range g.lines {
				sentence := ""
				if i == 0 {
					sentence = g.sentence
				}
				if err := emit(l.label, l.value, l.unit, sentence); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// summaryLine is one figure of the report as an export row.
type summaryLine struct {
	label string
	value float64
	unit  string
}

// summaryGroup is one sentence of the report and the figures it cites.
type summaryGroup struct {
	sentence string
	lines    []summaryLine
}

func line(label string, v int64, unit string) summaryLine {
	return summaryLine{label, float64(v), unit}
}

// summaryReport writes the figures as the sentences of a bureau's work
// report, one per figure, in the register such reports use.
func summaryReport(name string, year int, f *models.SummaryFigures) []summaryGroup {
	return []summaryGroup{
		{fmt.Sprintf("%d年，%s共有科技特派员%d名，其中省级%d名、市级%d名、县级%d名。", year, name, f.Commissioners,
			f.CommissionersProvince, f.CommissionersCity, f.CommissionersCounty),
			[]summaryLine{line("科技特派员", f.Commissioners, "名"), line("其中：省级", f.CommissionersProvince, "名"),
				line("其中：市级", f.CommissionersCity, "名"), line("其中：县级", f.CommissionersCounty, "名")}},
		{fmt.Sprintf("组建科技特派员服务团队%d个。", f.Teams), []summaryLine{line("服务团队", f.Teams, "个")}},
		{fmt.Sprintf("科技特派员联系服务行政村%d个，村级服务覆盖率%s%%。", f.AssignedVillages, percent(f.AssignedRate)),
			[]summaryLine{line("行政村", f.RuralVillages, "个"), line("联系服务行政村", f.AssignedVillages, "个"),
				{"村级服务覆盖率", f.AssignedRate * 100, "%"}}},
		{fmt.Sprintf("全年实地走访行政村%d个，走访率%s%%。", f.VisitedVillages, percent(f.VisitedRate)),
			[]summaryLine{line("走访行政村", f.VisitedVillages, "个"), {"走访率", f.VisitedRate * 100, "%"}}},
		{fmt.Sprintf("全年共开展现场指导服务%d次，累计下乡服务%d天，服务农民%d人次，发放技术资料%d份。",
			f.Visits, f.VisitDays, f.FarmersServed, f.Leaflets),
			[]summaryLine{line("现场指导服务", f.Visits, "次"), line("下乡服务", f.VisitDays, "天"),
				line("服务农民", f.FarmersServed, "人次"), line("发放技术资料", f.Leaflets, "份")}},
		{fmt.Sprintf("全年共举办实用技术培训%d期，培训农民%d人次。", f.Trainings, f.Trainees),
			[]summaryLine{line("实用技术培训", f.Trainings, "期"), line("培训农民", f.Trainees, "人次")}},
		{fmt.Sprintf("推广新技术%d项，引进新品种%d个。", f.Technologies, f.Varieties),
			[]summaryLine{line("推广新技术", f.Technologies, "项"), line("引进新品种", f.Varieties, "个")}},
		{fmt.Sprintf("建立科技示范基地%d个，示范面积%s亩。", f.Plots, mu(f.PlotAreaMu)),
			[]summaryLine{line("科技示范基地", f.Plots, "个"), {"示范面积", f.PlotAreaMu, "亩"}}},
		{fmt.Sprintf("落实科技特派员项目%d个，项目资金%s万元。", f.Projects, wan(f.ProjectFundsFen)),
			[]summaryLine{line("科技特派员项目", f.Projects, "个"), {"项目资金", wanValue(f.ProjectFundsFen), "万元"}}},
		{fmt.Sprintf("跟踪服务农户%d户，其中%d户实现增收，带动农户增收%s万元，户均增收%s元。", f.Households, f.HouseholdsIncreased,
			wan(f.IncomeIncreaseFen), yuanText(f.AvgIncreaseFen)),
			[]summaryLine{line("跟踪服务农户", f.Households, "户"), line("实现增收农户", f.HouseholdsIncreased, "户"),
				{"农户增收", wanValue(f.IncomeIncreaseFen), "万元"}, {"户均增收", yuan(f.AvgIncreaseFen), "元"}}},
		{fmt.Sprintf("示范基地带动增收%s万元。", wan(f.PlotIncomeIncreaseFen)),
			[]summaryLine{{"示范基地带动增收", wanValue(f.PlotIncomeIncreaseFen), "万元"}}},
		{fmt.Sprintf("解决群众技术需求%d项。", f.DemandsResolved), []summaryLine{line("解决技术需求", f.DemandsResolved, "项")}},
	}
}

// wan writes fen as 万元 with two decimals, rounded half away from zero:
// 417,555,000 fen → "417.56".
func wan(fen int64) string {
	sign, v := "", fen
	if v < 0 {
		sign, v = "-", -v
	}
	h := (v + 5000) / 10000 // hundredths of 万元
	return fmt.Sprintf("%s%d.%02d", sign, h/100, h%100)
}

func wanValue(fen int64) float64 {
	v, _ := strconv.ParseFloat(wan(fen), 64)
	return v
}

// yuanText writes fen as 元 with two decimals.
func yuanText(fen int64) string { return strconv.FormatFloat(yuan(fen), 'f', 2, 64) }

// percent writes a fraction as a percentage with at most two decimals:
// 0.875 → "87.5", 1 → "100", 0.0196 → "1.96".
func percent(rate float64) string { return trimDecimals(rate * 100) }

// mu writes an area in mu with at most two decimals: 1568, 12.5, 7.25.
func mu(area float64) string { return trimDecimals(area) }

func trimDecimals(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}
