package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/internal/bounds"
	"github.com/tepai/tepai/internal/priority"
	"github.com/tepai/tepai/internal/textcheck"
	"github.com/tepai/tepai/models"
)

// MaxPushChanges is the most changes one push may carry; more is 413.
const MaxPushChanges = 500

// pushEnvelope is the body of POST /sync/push.
type pushEnvelope struct {
	DeviceID   string            `json:"device_id"`
	DeviceTime *string           `json:"device_time"`
	Changes    []json.RawMessage `json:"changes"`
}

// PushResult is the outcome of one change of a push.
type PushResult struct {
	Type    string         `json:"type"`
	ID      string         `json:"id"`
	Status  string         `json:"status"`
	Version *int           `json:"version,omitempty"`
	Error   map[string]any `json:"error,omitempty"`
	Current any            `json:"current,omitempty"`
}

// PushResponse is the answer of POST /sync/push.
type PushResponse struct {
	Results    []PushResult `json:"results"`
	ServerTime time.Time    `json:"server_time"`
}

// Push answers POST /sync/push: every change applied on its own, with one
// result per change in order (see syncbatch.go for how it is batched).
func (h *Sync) Push(c echo.Context) error {
	// Photo work gives way while a push is in flight (photos.takeTurn).
	defer priority.Foreground()()
	received := models.Now()
	env, deviceTime, err := decodePush(c)
	if err != nil {
		return err
	}
	p := Caller(c)
	receipt := &models.SyncPush{UserID: p.UserID, DeviceID: env.DeviceID, DeviceTime: deviceTime, ReceivedAt: received,
		Changes: len(env.Changes), RequestID: RequestID(c)}
	call := call{p: p, requestID: receipt.RequestID, sync: true, receipt: receipt}
	if deviceTime != nil && !bounds.Time(*deviceTime, received) {
		// A clock before 2000 or more than a day ahead is no reading to
		// store or measure a skew from, yet the push's records are kept:
		// it is ignored and the visits are flagged as from a skewed clock.
		deviceTime, receipt.DeviceTime, call.skewed = nil, nil, true
	}
	if deviceTime != nil {
		skew := received.Sub(*deviceTime)
		ms := skew.Milliseconds()
		receipt.ClockSkewMs, call.skewed = &ms, skew > h.SkewLimit || skew < -h.SkewLimit
	}
	out := make([]ApplyResult, len(env.Changes))
	var items []pushItem
	for i, raw := range env.Changes {
		it, bad := h.parseChange(i, raw)
		if bad != nil {
			out[i] = *bad
			continue
		}
		items = append(items, it)
	}
	if err := h.records.applyItems(c.Request().Context(), call, items, out); err != nil {
		return err
	}
	if receipt.ID == 0 {
		if err := h.d.DB.RecordPush(c.Request().Context(), receipt); err != nil {
			return err
		}
	}
	h.explainForbidden(c, out)
	return c.JSON(http.StatusOK, PushResponse{Results: pushResults(out, language(c)), ServerTime: models.Now()})
}

// decodePush reads the envelope: anything malformed is 400, more than
// MaxPushChanges changes 413.
func decodePush(c echo.Context) (*pushEnvelope, *time.Time, error) {
	body, err := readJSONBody(c)
	if err != nil {
		return nil, nil, err
	}
	var env pushEnvelope
	if err := json.Unmarshal(body, &env); err != nil || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		if se := syntaxError(body); se != nil {
			return nil, nil, se
		}
		return nil, nil, apierr.BadRequest("同步数据格式错误", "malformed push: expected {device_id, device_time?, changes: [...]}")
	}
	if err := checkEnvelope(&env); err != nil {
		return nil, nil, err
	}
	if env.DeviceTime == nil {
		return &env, nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *env.DeviceTime)
	if err != nil {
		return nil, nil, apierr.BadRequest("device_time 须为 RFC 3339 时间", "device_time must be an RFC 3339 time")
	}
	t = t.UTC().Truncate(time.Millisecond)
	return &env, &t, nil
}

// checkEnvelope requires a device id and an array of at most
// MaxPushChanges objects.
func checkEnvelope(env *pushEnvelope) error {
	id, problem := textcheck.Line(env.DeviceID)
	env.DeviceID = id
	switch {
	case env.DeviceID == "" || len(env.DeviceID) > 100:
		return apierr.BadRequest("device_id 须为 1 到 100 个字符", "device_id must be 1 to 100 characters")
	case problem != textcheck.ProblemNone:
		return apierr.BadRequest("device_id 含有无效、控制或不可见的格式字符", "device_id contains invalid, control or invisible format characters")
	case env.Changes == nil:
		return apierr.BadRequest("缺少 changes 数组", "changes must be an array")
	case len(env.Changes) > MaxPushChanges:
		e := apierr.TooLarge()
		e.ZH, e.EN = "一次最多同步 500 条变更，请分批提交", "at most 500 changes per push; split the batch"
		return e
	}
	for _, raw := range env.Changes {
		if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
			return apierr.BadRequest("changes 的每一项须为 JSON 对象", "every item of changes must be a JSON object")
		}
	}
	return nil
}
