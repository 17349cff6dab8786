package handlers

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// exportBatch is how many records an export reads per query.
const exportBatch = 500

// exportRecords streams every record of sp the list query q selects, page
// by page on the list's own keyset, as CSV or a workbook whose columns are
// the record's JSON fields under the names the API uses.
func (h *RecordHandlers) exportRecords(c echo.Context, sp *spec, format string, q listQuery) error {
	fields := jsonFields(reflect.TypeOf(sp.newModel()))
	cols := make([]Column, len(fields))
	for i, f := range fields {
		cols[i] = Column{Title: f, Width: 16}
	}
	x := &Exporter{Name: exportFileName(c, sp.typ+"s", q), Sheet: sp.typ, Columns: cols, DB: h.r.db}
	return x.Write(c, format, func(emit func(...any) error) error {
		q.page = Page{Limit: exportBatch}
		for {
			recs, next, err := h.r.list(c.Request().Context(), Caller(c), sp, q)
			if err != nil {
				return err
			}
			for _, rec := range recs {
				row, err := exportRow(RecordJSON(sp.typ, rec), fields)
				if err != nil {
					return err
				}
				if err := emit(row...); err != nil {
					return err
				}
			}
			if next == "" {
				return nil
			}
			if err := x.Renew(c.Request().Context()); err != nil {
				return err
			}
			q.page.Cursor = next
		}
	})
}

// jsonFields lists the JSON names of a model's fields, embedded structs
// first-level flattened, in declaration order.
func jsonFields(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && name == "":
			out = append(out, jsonFields(f.Type)...)
		case name != "" && name != "-" && f.IsExported():
			out = append(out, name)
		}
	}
	return out
}

// exportRow renders a record's JSON fields as export cells: text as is,
// numbers in their shortest form, lists joined with 、, objects as JSON.
func exportRow(rec any, fields []string) ([]any, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	row := make([]any, len(fields))
	for i, f := range fields {
		row[i] = cellText(m[f])
	}
	return row, nil
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cellText(e)
		}
		return strings.Join(parts, "、")
	}
	b, _ := json.Marshal(v)
	return string(b)
}
