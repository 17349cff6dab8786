package handlers

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
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
	// ColCoord is a latitude or longitude with six decimals (0.000000).
	ColCoord
	// ColNumber holds whole numbers (written as such) and decimals (with
	// two decimals) in one column, each cell by its value's type.
	ColNumber
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
	// Name is the file name without extension, ASCII: what, region and
	// period (see ExportName).
	Name    string
	Sheet   string
	Columns []Column
	// DB holds the caller's export slots (see models.TakeExportSlot).
	DB    *models.DB
	lease *models.ExportLease
}

func (x *Exporter) disposition(ext string) string {
	return fmt.Sprintf(`attachment; filename="%s.%s"`, x.Name, ext)
}

// exportRetry is the Retry-After of an export refused because the caller
// runs as many as it may: about the time a typical export takes.
const exportRetry = 10 * time.Second

// Write sends the export in format (FormatCSV or FormatXLSX). The caller
// must hold one of its export slots for the whole export: when all are
// taken, the answer is 429 with Retry-After, not a queue. An export that
// fails after its status went out aborts the connection, so that the
// client sees a broken transfer rather than a complete-looking file.
func (x *Exporter) Write(c echo.Context, format string, rows Rows) error {
	ctx := c.Request().Context()
	if p := Caller(c); x.DB != nil && p != nil {
		lease, err := x.DB.TakeExportSlot(ctx, p.UserID)
		if err != nil {
			return err
		}
		if lease == nil {
			return apierr.RateLimited(exportRetry)
		}
		x.lease = lease
		defer func() {
			if err := lease.Release(ctx); err != nil {
				Logger(c).Error("release export slot", "err", err)
			}
		}()
	}
	var err error
	if format == FormatXLSX {
		err = x.writeXLSX(c, rows)
	} else {
		err = x.writeCSV(c, rows)
	}
	if err != nil && c.Response().Committed {
		Logger(c).Error("export cut short; aborting the connection", "export", x.Name, "err", err)
		panic(http.ErrAbortHandler)
	}
	return err
}

// Renew keeps the export's slot while it runs; exports that take long
// call it between pages.
func (x *Exporter) Renew(ctx context.Context) error {
	if x.lease == nil {
		return nil
	}
	return x.lease.Renew(ctx)
}

// ExportName names an export file (without extension) by what it holds,
// its region and its period, given as inclusive YYYY-MM-DD dates:
// visits-330824-2024 for a calendar year, visits-330824-20240301-20240630
// for other periods; a region or a bound the export has not is left out
// (visits-330824-from20240301).
func ExportName(what, region, first, last string) string {
	name := what
	if region != "" {
		name += "-" + region
	}
	compact := func(d string) string { return strings.ReplaceAll(d, "-", "") }
	switch {
	case first == "" && last == "":
		return name
	case first == "":
		return name + "-to" + compact(last)
	case last == "":
		return name + "-from" + compact(first)
	case len(first) == 10 && first[:4] == last[:4] && first[4:] == "-01-01" && last[4:] == "-12-31":
		return name + "-" + first[:4]
	}
	return name + "-" + compact(first) + "-" + compact(last)
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
		case ColCoord:
			return strconv.FormatFloat(t, 'f', 6, 64)
		case ColPercent:
			return strconv.FormatFloat(t*100, 'f', 2, 64) + "%"
		case ColDecimal, ColNumber:
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
