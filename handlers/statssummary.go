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
	{Title: "指标", Width: 24}, {Title: "数值", Kind: ColNumber, Width: 14}, {Title: "单位", Width: 8}, {Title: "报告表述", Width: 80},
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
		out.Sentences = []string{}
		for _, g := range report {
			if g.sentence != "" {
				out.Sentences = append(out.Sentences, g.sentence)
			}
		}
		return c.JSON(http.StatusOK, out)
	}
	x := &Exporter{Name: ExportName("summary", req.region.Code, req.period.From, req.period.To), Sheet: "工作总结", Columns: summaryColumns, DB: h.d.DB}
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

// summaryLine is one figure of the report as an export row: a count as
// an int64, an amount or a rate as a float64.
type summaryLine struct {
	label string
	value any
	unit  string
}

// summaryGroup is one sentence of the report and the figures it cites;
// the sentence is empty when every figure it would cite is zero.
type summaryGroup struct {
	sentence string
	lines    []summaryLine
}

func line(label string, v int64, unit string) summaryLine {
	return summaryLine{label, v, unit}
}

// clause is part of a report sentence that cites a figure; a report says
// nothing of a figure that is zero.
type clause struct {
	text string
	zero bool
}

func cl(zero bool, format string, args ...any) clause {
	return clause{fmt.Sprintf(format, args...), zero}
}

// sentence joins the clauses of figures that are not zero with "，" and
// ends it with "。"; with none, there is no sentence.
func sentence(clauses ...clause) string {
	var parts []string
	for _, c := range clauses {
		if !c.zero {
			parts = append(parts, c.text)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "，") + "。"
}

// byLevel is "其中省级2名、县级1名", naming only the levels that have
// commissioners ("" when none has).
func byLevel(province, city, county int64) string {
	var parts []string
	for _, l := range []struct {
		name string
		n    int64
	}{{"省级", province}, {"市级", city}, {"县级", county}} {
		if l.n != 0 {
			parts = append(parts, fmt.Sprintf("%s%d名", l.name, l.n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "其中" + strings.Join(parts, "、")
}

// summaryReport writes the figures as the sentences of a bureau's work
// report, one per group of figures, in the register such reports use,
// leaving out every figure that is zero (and a sentence whose figures all
// are).
func summaryReport(name string, year int, f *models.SummaryFigures) []summaryGroup {
	levels := byLevel(f.CommissionersProvince, f.CommissionersCity, f.CommissionersCounty)
	return []summaryGroup{
		{sentence(cl(f.Commissioners == 0, "%d年，%s共有科技特派员%d名", year, name, f.Commissioners), cl(levels == "", "%s", levels)),
			[]summaryLine{line("科技特派员", f.Commissioners, "名"), line("其中：省级", f.CommissionersProvince, "名"),
				line("其中：市级", f.CommissionersCity, "名"), line("其中：县级", f.CommissionersCounty, "名")}},
		{sentence(cl(f.Teams == 0, "组建科技特派员服务团队%d个", f.Teams)), []summaryLine{line("服务团队", f.Teams, "个")}},
		{sentence(cl(f.AssignedVillages == 0, "科技特派员联系服务行政村%d个，村级服务覆盖率%s%%", f.AssignedVillages, percent(f.AssignedRate))),
			[]summaryLine{line("行政村", f.RuralVillages, "个"), line("联系服务行政村", f.AssignedVillages, "个"),
				{"村级服务覆盖率", f.AssignedRate * 100, "%"}}},
		{sentence(cl(f.VisitedVillages == 0, "全年实地走访行政村%d个，走访率%s%%", f.VisitedVillages, percent(f.VisitedRate))),
			[]summaryLine{line("走访行政村", f.VisitedVillages, "个"), {"走访率", f.VisitedRate * 100, "%"}}},
		{sentence(cl(f.Visits == 0, "全年共开展现场指导服务%d次", f.Visits), cl(f.VisitDays == 0, "累计下乡服务%d天", f.VisitDays),
			cl(f.FarmersServed == 0, "服务农民%d人次", f.FarmersServed), cl(f.Leaflets == 0, "发放技术资料%d份", f.Leaflets)),
			[]summaryLine{line("现场指导服务", f.Visits, "次"), line("下乡服务", f.VisitDays, "天"),
				line("服务农民", f.FarmersServed, "人次"), line("发放技术资料", f.Leaflets, "份")}},
		{sentence(cl(f.Trainings == 0, "全年共举办实用技术培训%d期", f.Trainings), cl(f.Trainees == 0, "培训农民%d人次", f.Trainees)),
			[]summaryLine{line("实用技术培训", f.Trainings, "期"), line("培训农民", f.Trainees, "人次")}},
		{sentence(cl(f.Technologies == 0, "推广新技术%d项", f.Technologies), cl(f.Varieties == 0, "引进新品种%d个", f.Varieties)),
			[]summaryLine{line("推广新技术", f.Technologies, "项"), line("引进新品种", f.Varieties, "个")}},
		{sentence(cl(f.Plots == 0, "建立科技示范基地%d个", f.Plots), cl(f.PlotAreaMu == 0, "示范面积%s亩", mu(f.PlotAreaMu))),
			[]summaryLine{line("科技示范基地", f.Plots, "个"), {"示范面积", f.PlotAreaMu, "亩"}}},
		{sentence(cl(f.Projects == 0, "落实科技特派员项目%d个", f.Projects), cl(f.ProjectFundsFen == 0, "项目资金%s万元", wan(f.ProjectFundsFen))),
			[]summaryLine{line("科技特派员项目", f.Projects, "个"), {"项目资金", wanValue(f.ProjectFundsFen), "万元"}}},
		{sentence(cl(f.Households == 0, "跟踪服务农户%d户", f.Households), cl(f.HouseholdsIncreased == 0, "其中%d户实现增收", f.HouseholdsIncreased),
			cl(f.IncomeIncreaseFen == 0, "带动农户增收%s万元", wan(f.IncomeIncreaseFen)), cl(f.AvgIncreaseFen == 0, "户均增收%s元", yuanText(f.AvgIncreaseFen))),
			[]summaryLine{line("跟踪服务农户", f.Households, "户"), line("实现增收农户", f.HouseholdsIncreased, "户"),
				{"农户增收", wanValue(f.IncomeIncreaseFen), "万元"}, {"户均增收", yuan(f.AvgIncreaseFen), "元"}}},
		{sentence(cl(f.PlotIncomeIncreaseFen == 0, "示范基地带动增收%s万元", wan(f.PlotIncomeIncreaseFen))),
			[]summaryLine{{"示范基地带动增收", wanValue(f.PlotIncomeIncreaseFen), "万元"}}},
		{sentence(cl(f.DemandsResolved == 0, "解决群众技术需求%d项", f.DemandsResolved)), []summaryLine{line("解决技术需求", f.DemandsResolved, "项")}},
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
