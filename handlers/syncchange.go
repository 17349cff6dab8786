package handlers

import (
	"encoding/json"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
)

// parseChange reads one change of a push: its type, op, record and
// base_version. A change whose fields are of the wrong kind is answered
// "invalid" here; the rest goes to Apply.
func (h *Sync) parseChange(i int, raw json.RawMessage) (pushItem, *ApplyResult) {
	var typ, op, record, base json.RawMessage
	eachMember(raw, func(name string, val []byte) {
		switch name {
		case "type":
			typ = val
		case "op":
			op = val
		case "record":
			record = val
		case "base_version":
			base = val
		}
	})
	it := pushItem{idx: i}
	var bad apierr.Fields
	if !jsonString(typ, &it.typ) {
		d := unknownType("", h.records.specs).Details[0]
		bad.Add("type", d.ZH, d.EN)
	}
	if !jsonString(op, &it.op) {
		bad.Add("op", "须为 upsert 或 delete", "must be upsert or delete")
	}
	var rec recordHints
	isObject := record != nil && rec.read(record, h.records.specs[it.typ])
	if !isObject {
		bad.Add("record", "须为 JSON 对象", "must be a JSON object")
	}
	if rec.id != nil && !jsonString(rec.id, &it.id) {
		bad.Add("id", "须为字符串（手机生成的 UUID）", "must be a string (the UUID the phone generated)")
	}
	if isObject && it.id == "" && !bad.Has("id") {
		bad.Add("id", "同步变更的记录须带 id（手机生成的 UUID，大小写均可），以免重发时重复创建记录",
			"a sync change's record must carry its id (the UUID the phone generated, any letter case), so that a replay never creates a second record")
	}
	it.id = NormalizeID(it.id)
	if base != nil && string(base) != "null" {
		var v int
		if json.Unmarshal(base, &v) != nil || v < 0 {
			bad.Add("base_version", "须为非负整数", "must be a non-negative integer")
		} else {
			it.base = &v
		}
	}
	if err := bad.Err(); err != nil {
		e, _ := apierr.As(err)
		return it, &ApplyResult{Type: it.typ, ID: it.id, Status: StatusInvalid, Error: e}
	}
	it.body = record
	rec.note(&it)
	return it, nil
}

// recordHints are the members of a change's record read before it is
// decoded: its id, and the parent id and region codes it names, so that
// they can be loaded with the rest of the push.
type recordHints struct {
	id, parent, households, village, region json.RawMessage
}

// read takes the hints from record, the parent's by the column of sp
// (when the type is known), and reports whether record is an object.
func (r *recordHints) read(record []byte, sp *spec) bool {
	parentCol := ""
	if sp != nil && sp.parent != nil {
		parentCol = sp.parentCol
	}
	return eachMember(record, func(name string, val []byte) {
		if parentCol != "" && name == parentCol {
			r.parent = val
		}
		switch name {
		case "id":
			r.id = val
		case "household_ids":
			r.households = val
		case "village_code":
			r.village = val
		case "region_code":
			r.region = val
		}
	})
}

// note notes the hints on it.
func (r *recordHints) note(it *pushItem) {
	jsonString(r.parent, &it.parent)
	if it.typ == TypeVisit {
		var ids []string
		if json.Unmarshal(r.households, &ids) == nil {
			it.households = ids
		}
	}
	for _, raw := range []json.RawMessage{r.village, r.region} {
		var code string
		if jsonString(raw, &code) && isDigits(code) {
			it.codes = append(it.codes, code)
		}
	}
}

// jsonString decodes a JSON string into s and reports whether it was one.
func jsonString(raw json.RawMessage, s *string) bool {
	return raw != nil && json.Unmarshal(raw, s) == nil && strings.HasPrefix(strings.TrimSpace(string(raw)), `"`)
}

// pushResults renders the results in the language asked for; a conflict
// carries the stored record the caller may see as current.
func pushResults(res []ApplyResult, lang string) []PushResult {
	out := make([]PushResult, len(res))
	for i, r := range res {
		pr := PushResult{Type: r.Type, ID: r.ID, Status: r.Status}
		if r.Version > 0 {
			v := r.Version
			pr.Version = &v
		}
		if r.Error != nil {
			pr.Error = r.Error.Body(lang)
		}
		if r.Status == StatusConflict && r.Record != nil {
			pr.Current = RecordJSON(r.Type, r.Record)
		}
		out[i] = pr
	}
	return out
}

// language picks "en" when the client's first language is English, else
// Chinese, as the error handler does.
func language(c echo.Context) string {
	first := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Request().Header.Get("Accept-Language"), ",", 2)[0]))
	if strings.HasPrefix(first, "en") {
		return "en"
	}
	return "zh"
}
