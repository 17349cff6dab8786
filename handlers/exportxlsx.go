package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/xuri/excelize/v2"
)

// maxSheetRows is the most data rows a worksheet holds (Excel's limit less
// the header).
const maxSheetRows = excelize.TotalRows - 1

var errTooManyRows = errors.New("too many rows for one worksheet")

// writeXLSX builds the workbook with excelize's stream writer, which keeps
// rows in a temporary file rather than in memory, then sends it.
func (x *Exporter) writeXLSX(c echo.Context, rows Rows) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := x.Sheet
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("name sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("stream writer: %w", err)
	}
	if err := x.fillSheet(f, sw, rows); err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	res.Header().Set(echo.HeaderContentDisposition, x.disposition("xlsx"))
	res.WriteHeader(http.StatusOK)
	if err := f.Write(res); err != nil {
		Logger(c).Error("xlsx export cut short", "export", x.Name, "err", err)
		return err
	}
	return nil
}

// fillSheet writes the header and every row; more rows than a worksheet
// holds is 400.
func (x *Exporter) fillSheet(f *excelize.File, sw *excelize.StreamWriter, rows Rows) error {
	styles, err := x.prepareSheet(f, sw)
	if err != nil {
		return err
	}
	whole, err := f.NewStyle(&excelize.Style{NumFmt: 3})
	if err != nil {
		return fmt.Errorf("column style: %w", err)
	}
	n := 1
	cells := make([]any, len(x.Columns))
	err = rows(func(row ...any) error {
		if n > maxSheetRows {
			return errTooManyRows
		}
		n++
		for i := range cells {
			var v any
			if i < len(row) {
				v = xlsxValue(row[i])
			}
			style := styles[i]
			if x.Columns[i].Kind == ColNumber && isWhole(v) {
				style = whole
			}
			cells[i] = excelize.Cell{StyleID: style, Value: v}
		}
		return sw.SetRow(fmt.Sprintf("A%d", n), cells)
	})
	if errors.Is(err, errTooManyRows) {
		return apierr.BadRequest("导出行数超过 Excel 工作表上限，请缩小范围或改用 CSV", "too many rows for one Excel worksheet; narrow the request or use CSV")
	}
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("finish sheet: %w", err)
	}
	return nil
}

// prepareSheet sets column widths, freezes the header row, writes it, and
// returns each column's cell style.
func (x *Exporter) prepareSheet(f *excelize.File, sw *excelize.StreamWriter) ([]int, error) {
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	if err != nil {
		return nil, fmt.Errorf("header style: %w", err)
	}
	timeFmt, coordFmt := "yyyy-mm-dd hh:mm:ss", "0.000000"
	byKind := map[ColumnKind]*excelize.Style{
		ColInt:     {NumFmt: 3},
		ColDecimal: {NumFmt: 4},
		ColNumber:  {NumFmt: 4},
		ColCoord:   {CustomNumFmt: &coordFmt},
		ColPercent: {NumFmt: 10},
		ColTime:    {CustomNumFmt: &timeFmt},
	}
	styles := make([]int, len(x.Columns))
	titles := make([]any, len(x.Columns))
	for i, col := range x.Columns {
		if s, ok := byKind[col.Kind]; ok {
			if styles[i], err = f.NewStyle(s); err != nil {
				return nil, fmt.Errorf("column style: %w", err)
			}
		}
		if err := sw.SetColWidth(i+1, i+1, col.width()); err != nil {
			return nil, fmt.Errorf("column width: %w", err)
		}
		titles[i] = excelize.Cell{StyleID: header, Value: col.Title}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("freeze header: %w", err)
	}
	if err := sw.SetRow("A1", titles); err != nil {
		return nil, fmt.Errorf("header row: %w", err)
	}
	return styles, nil
}

// xlsxValue turns a value into one a cell holds: times as their wall clock
// in Asia/Shanghai, string lists joined.
func xlsxValue(v any) any {
	switch t := v.(type) {
	case time.Time:
		if t.IsZero() {
			return nil
		}
		s := t.In(Shanghai)
		return time.Date(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute(), s.Second(), 0, time.UTC)
	case *time.Time:
		if t == nil {
			return nil
		}
		return xlsxValue(*t)
	case *float64:
		if t == nil {
			return nil
		}
		return *t
	case []string:
		return strings.Join(t, "、")
	}
	return v
}

// isWhole says whether a cell value is an integer type.
func isWhole(v any) bool {
	switch v.(type) {
	case int, int32, int64:
		return true
	}
	return false
}
