package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
)

// Formats a list or a report answers in, chosen with ?format=.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// ParseFormat reads ?format=: empty or json is JSON; csv and xlsx ask for
// an export; anything else is 400.
func ParseFormat(c echo.Context) (string, error) {
	switch f := c.QueryParam("format"); f {
	case "", FormatJSON:
		return FormatJSON, nil
	case FormatCSV, FormatXLSX:
		return f, nil
	}
	return "", apierr.BadRequest("format 须为 json、csv 或 xlsx", "format must be json, csv or xlsx")
}

// ColumnKind says how an export column's values are written.
type ColumnKind int

// Column kinds.
const (
	// ColText is text; slices of strings are joined with 、.
	ColText ColumnKind = iota
	// ColInt is a whole number (#,##0 in a workbook).
	ColInt
	// ColDecimal is a number with two decimals (#,##0.00).
	ColDecimal
	// ColPercent is a fraction 0–1 written as a percentage.
	ColPercent
	// ColTime is a time.Time written in Asia/Shanghai.
	ColTime
)

// Column is one column of an export.
type Column struct {
	Title string
	Kind  ColumnKind
	// Width in characters in a workbook; 0 fits the title.
	Width float64
}

// Rows produces an export's rows: it calls emit once per row, with one
// value per column, and stops when emit fails.
type Rows func(emit func(row ...any) error) error

// Exporter writes a table as CSV (UTF-8 with a byte-order mark, so that
// Excel reads Chinese right) or as an Excel workbook, row by row, so that
// memory stays flat however many rows there are.
type Exporter struct {
	// Name is the file name without extension, ASCII.
	Name    string
	Sheet   string
	Columns []Column
}

// Write sends the export in format (FormatCSV or FormatXLSX).
func (x *Exporter) Write(c echo.Context, format string, rows Rows) error {
	if format == FormatXLSX {
		return x.writeXLSX(c, rows)
	}
	return x.writeCSV(c, rows)
}

func (x *Exporter) disposition(ext string) string {
	return fmt.Sprintf(`attachment; filename="%s.%s"`, x.Name, ext)
}

// csvFlushEvery is how many rows go out between flushes to the client.
const csvFlushEvery = 500

func (x *Exporter) writeCSV(c echo.Context, rows Rows) error {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, x.disposition("csv"))
	res.WriteHeader(http.StatusOK)
	n, err := x.csvRows(res, rows)
	if err != nil {
		Logger(c).Error("csv export cut short", "export", x.Name, "rows", n, "err", err)
	}
	return err
}

// csvRows writes the byte-order mark, the header and the rows, flushing to
// the client every csvFlushEvery rows; it returns how many rows it wrote.
func (x *Exporter) csvRows(res *echo.Response, rows Rows) (int, error) {
	if _, err := res.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return 0, err
	}
	w := csv.NewWriter(res)
	record := make([]string, len(x.Columns))
	for i, col := range x.Columns {
		record[i] = col.Title
	}
	_ = w.Write(record)
	n := 0
	err := rows(func(row ...any) error {
		for i := range record {
			record[i] = ""
			if i < len(row) {
				record[i] = csvValue(x.Columns[i].Kind, row[i])
			}
		}
		if err := w.Write(record); err != nil {
			return err
		}
		if n++; n%csvFlushEvery == 0 {
			w.Flush()
			res.Flush()
			return w.Error()
		}
		return nil
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	return n, err
}

// csvValue writes one value as CSV text. Text that a spreadsheet would take
// for a formula is prefixed with an apostrophe.
func csvValue(kind ColumnKind, v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case *float64:
		if t == nil {
			return ""
		}
		return csvValue(kind, *t)
	case float64:
		switch kind {
		case ColPercent:
			return strconv.FormatFloat(t*100, 'f', 2, 64) + "%"
		case ColDecimal:
			return strconv.FormatFloat(t, 'f', 2, 64)
		}
		return strconv.FormatFloat(t, 'f', -1, 64)
	case time.Time:
		if t.IsZero() {
			return ""
		}
		return t.In(Shanghai).Format(time.DateTime)
	case *time.Time:
		if t == nil {
			return ""
		}
		return csvValue(kind, *t)
	case []string:
		return safeText(strings.Join(t, "、"))
	case string:
		return safeText(t)
	}
	return fmt.Sprint(v)
}

// safeText guards CSV text against formula injection: text whose first
// character a spreadsheet may take for the start of a formula gets an
// apostrophe before it. That is = + - @, their full-width and small forms
// (Excel with a Chinese input method reads ＝ as =), the minus sign, and
// the tab, carriage return and line feed that some spreadsheets skip
// before reading a formula.
func safeText(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if s != "" && strings.ContainsRune(formulaLeads, r) {
		return "'" + s
	}
	return s
}

// formulaLeads are the characters safeText guards at the start of a text.
const formulaLeads = "=+-@\t\r\n＝＋－＠﹦﹢﹣﹫−"

// width is a column's width in characters: the given one, else one that
// fits the title (CJK characters count double).
func (col Column) width() float64 {
	if col.Width > 0 {
		return col.Width
	}
	w := 2.0
	for _, r := range col.Title {
		if utf8.RuneLen(r) > 1 {
			w += 2
		} else {
			w++
		}
	}
	return max(w, 10)
}
