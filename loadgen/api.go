package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// StatusError is an answer that was not a success, kept for the report.
type StatusError struct {
	Endpoint string
	Status   int
	Code     string // the contract's error code, when the body had one
	Body     string
}

// Error says which call got which answer.
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: %d %s %.300s", e.Endpoint, e.Status, e.Code, e.Body)
}

// errorBody is the contract's error shape.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// JSON sends in (nil for no body) as JSON and decodes a 2xx answer into
// out (when not nil); another answer is a *StatusError.
func (c *Client) JSON(ctx context.Context, endpoint, method, path string, in, out any) (*Response, error) {
	call := Call{Endpoint: endpoint, Method: method, Path: path}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", endpoint, err)
		}
		call.Body = b
	}
	res, err := c.Do(ctx, call)
	if err != nil {
		return nil, err
	}
	return res, decode(endpoint, res, out)
}

// decode turns a 2xx answer into out and anything else into a StatusError.
func decode(endpoint string, res *Response, out any) error {
	if res.Status < 200 || res.Status > 299 {
		var eb errorBody
		_ = json.Unmarshal(res.Body, &eb)
		return &StatusError{Endpoint: endpoint, Status: res.Status, Code: eb.Error.Code, Body: string(res.Body)}
	}
	if out == nil || len(res.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(res.Body, out); err != nil {
		return fmt.Errorf("%s: decode %.200s: %w", endpoint, res.Body, err)
	}
	return nil
}

// Login logs in with phone and password and returns the access token.
func (c *Client) Login(ctx context.Context, phone, password string) (string, error) {
	access, _, err := c.SignIn(ctx, phone, password)
	return access, err
}

// SignIn logs in with phone and password and returns the access and
// refresh tokens.
func (c *Client) SignIn(ctx context.Context, phone, password string) (access, refresh string, err error) {
	body, _ := json.Marshal(map[string]string{"phone": phone, "password": password})
	return c.tokens(ctx, "POST /auth/login", "/api/v1/auth/login", body)
}

// Refresh trades a refresh token for a new pair, as a phone does when its
// access token has expired.
func (c *Client) Refresh(ctx context.Context, refresh string) (string, string, error) {
	body, _ := json.Marshal(map[string]string{"refresh_token": refresh})
	return c.tokens(ctx, "POST /auth/refresh", "/api/v1/auth/refresh", body)
}

func (c *Client) tokens(ctx context.Context, endpoint, path string, body []byte) (string, string, error) {
	var out struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	res, err := c.Do(ctx, Call{Endpoint: endpoint, Method: "POST", Path: path, Body: body, NoAuth: true})
	if err != nil {
		return "", "", err
	}
	if err := decode(endpoint, res, &out); err != nil {
		return "", "", err
	}
	if out.AccessToken == "" {
		return "", "", fmt.Errorf("%s: no access_token in %.200s", endpoint, res.Body)
	}
	return out.AccessToken, out.RefreshToken, nil
}

// page is the contract's list envelope.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// ListAll follows a list endpoint's cursors to the end (at most maxPages
// pages of 500) and returns every item.
func ListAll[T any](ctx context.Context, c *Client, endpoint, path string, query url.Values, maxPages int) ([]T, error) {
	var all []T
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("limit", "500")
	for range maxPages {
		var p page[T]
		if _, err := c.JSON(ctx, endpoint, "GET", path+"?"+q.Encode(), nil, &p); err != nil {
			return nil, err
		}
		all = append(all, p.Items...)
		if p.NextCursor == "" {
			return all, nil
		}
		q.Set("cursor", p.NextCursor)
	}
	return nil, fmt.Errorf("%s: more than %d pages", endpoint, maxPages)
}

// Region is a region as the API describes it.
type Region struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      string `json:"level"`
	ParentCode string `json:"parent_code"`
	Rural      bool   `json:"rural"`
}

// Visit is a field visit as a phone records it.
type Visit struct {
	ID            string    `json:"id"`
	VillageCode   string    `json:"village_code"`
	StartedAt     time.Time `json:"started_at"`
	EndedAt       time.Time `json:"ended_at"`
	Lat           float64   `json:"lat"`
	Lng           float64   `json:"lng"`
	AccuracyM     float64   `json:"accuracy_m"`
	Category      string    `json:"category"`
	Crops         []string  `json:"crops"`
	Problem       string    `json:"problem"`
	Advice        string    `json:"advice"`
	FarmersServed int       `json:"farmers_served"`
	Leaflets      int       `json:"leaflets"`
	Technologies  []string  `json:"technologies"`
	Varieties     []string  `json:"varieties"`
	Notes         string    `json:"notes"`
}

// Training is a training session as a phone records it.
type Training struct {
	ID             string    `json:"id"`
	RegionCode     string    `json:"region_code"`
	Title          string    `json:"title"`
	HeldAt         time.Time `json:"held_at"`
	Hours          float64   `json:"hours"`
	Attendees      int       `json:"attendees"`
	WomenAttendees int       `json:"women_attendees"`
	Topics         []string  `json:"topics"`
	Technologies   []string  `json:"technologies"`
}

// Change is one entry of a sync push.
type Change struct {
	Type   string `json:"type"`
	Op     string `json:"op"`
	Record any    `json:"record"`
}

// PushResult is the server's answer for one change.
type PushResult struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Status  string          `json:"status"`
	Version int             `json:"version"`
	Error   json.RawMessage `json:"error,omitempty"`
}

// Pulled is one change of a sync pull.
type Pulled struct {
	Type   string          `json:"type"`
	Op     string          `json:"op"`
	Record json.RawMessage `json:"record"`
}

// Photo is a stored photo as the API describes it.
type Photo struct {
	ID        string `json:"id"`
	OwnerType string `json:"owner_type"`
	OwnerID   string `json:"owner_id"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
}
