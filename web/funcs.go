package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
)

// funcs are the template functions every page may use.
var funcs = template.FuncMap{
	"figure":     figure,
	"num":        formatInt,
	"pct":        formatRate,
	"when":       formatTime,
	"bar":        barWidth,
	"add":        func(a, b int) int { return a + b },
	"staticV":    func() string { return staticVersion },
	"dict":       dict,
	"span":       formatSpan,
	"figureAs":   figureAs,
	"yuan":       formatYuan,
	"share":      share,
	"plain":      func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
	"list":       func(s ...string) []string { return s },
	"percent100": func(f *float64) string { return strconv.FormatFloat(*f*100, 'f', -1, 64) },
	"points":     func(centi int64) string { return strconv.FormatFloat(float64(centi)/100, 'f', 2, 64) },
	"centi":      func(centi int64) string { return strconv.FormatFloat(float64(centi)/100, 'f', -1, 64) },
}

// figure renders a headline figure: its text as the page shows it and,
// for scripts and tests, the API's field name and the raw number.
func figure(name string, value any) template.HTML {
	var raw, shown string
	switch x := value.(type) {
	case int64:
		raw, shown = strconv.FormatInt(x, 10), formatInt(x)
	case int:
		raw, shown = strconv.Itoa(x), formatInt(int64(x))
	case float64:
		raw = strconv.FormatFloat(x, 'g', -1, 64)
		shown = strconv.FormatFloat(x, 'f', -1, 64)
		if strings.HasSuffix(name, "_rate") || strings.HasSuffix(name, "_share") {
			shown = formatRate(x)
		}
	default:
		raw = fmt.Sprint(x)
		shown = raw
	}
	return template.HTML(fmt.Sprintf(`<span class="fig" data-figure="%s" data-value="%s">%s</span>`,
		template.HTMLEscapeString(name), template.HTMLEscapeString(raw), template.HTMLEscapeString(shown)))
}

// formatInt groups an integer's digits by thousands: 12,345.
func formatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatRate shows a fraction 0–1 as a percentage with one decimal.
func formatRate(f float64) string {
	return strconv.FormatFloat(math.Round(f*1000)/10, 'f', 1, 64) + "%"
}

// shanghai is the zone every time on a page is shown in.
var shanghai = time.FixedZone("CST", 8*3600)

// formatTime shows an instant as Asia/Shanghai date and minute.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(shanghai).Format("2006-01-02 15:04")
}

// barWidth is the length of a chart bar for a fraction 0–1, in the
// chart's 0–100 units.
func barWidth(f float64) string {
	return strconv.FormatFloat(math.Max(0, math.Min(1, f))*100, 'f', 1, 64)
}

// dict builds a map from name, value pairs, to pass several values to a
// template.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

// formatSpan shows a start and end, the end's date left out when it is
// the start's.
func formatSpan(a, b time.Time) string {
	if a.In(shanghai).Format(time.DateOnly) == b.In(shanghai).Format(time.DateOnly) {
		return formatTime(a) + "–" + b.In(shanghai).Format("15:04")
	}
	return formatTime(a) + " – " + formatTime(b)
}

// figureAs renders a headline figure whose text is already formatted
// (money in 元 or 万元, for example).
func figureAs(name string, raw any, shown string) template.HTML {
	return template.HTML(fmt.Sprintf(`<span class="fig" data-figure="%s" data-value="%s">%s</span>`,
		template.HTMLEscapeString(name), template.HTMLEscapeString(fmt.Sprint(raw)), template.HTMLEscapeString(shown)))
}

// formatYuan shows fen as 元 with two decimals and grouped digits.
func formatYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%s.%02d", sign, formatInt(fen/100), fen%100)
}

// share is a/max as a chart fraction (0 when max is 0).
func share(a, max any) float64 {
	x, y := toFloat(a), toFloat(max)
	if y <= 0 {
		return 0
	}
	return x / y
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case int:
		return float64(n)
	case float64:
		return n
	}
	return 0
}
