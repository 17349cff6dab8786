package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"time"
)

// upload sends every photo whose owner the server has acknowledged.
func (p *phone) upload(ctx context.Context) error {
	owners := map[string]*held{}
	for _, r := range p.records {
		owners[r.ID] = r
	}
	for _, ph := range p.photos {
		if ph.Acked || ph.Failed != "" {
			continue
		}
		owner := owners[ph.OwnerID]
		if owner.Rejected != "" {
			ph.Failed = "owner refused"
			p.run.reject(ph.Failed, ph.ID)
			continue
		}
		if !owner.Acked {
			continue
		}
		var err error
		if ph.Tus {
			err = p.tusUpload(ctx, ph)
		} else {
			err = p.postPhoto(ctx, ph)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// postPhoto uploads ph in one multipart request.
func (p *phone) postPhoto(ctx context.Context, ph *heldPhoto) error {
	body, ct, err := p.multipartBody(ph)
	if err != nil {
		return err
	}
	call := Call{Endpoint: "POST /photos", Method: "POST", Path: "/api/v1/photos", Body: body, ContentType: ct, Race: p.races()}
	res, err := p.c.Do(ctx, call)
	if err != nil {
		return err
	}
	var out Photo
	if err := decode(call.Endpoint, res, &out); err != nil {
		ph.Failed = fmt.Sprintf("photo %d", res.Status)
		p.run.reject(ph.Failed, err.Error())
		return nil
	}
	p.settlePhoto(ph, out)
	return nil
}

// settlePhoto acknowledges ph when the server's photo is the one sent.
func (p *phone) settlePhoto(ph *heldPhoto, got Photo) {
	if got.ID != ph.ID || got.SHA256 != ph.SHA256 || got.Size != ph.Size {
		ph.Failed = "photo differs"
		p.run.reject(ph.Failed, fmt.Sprintf("sent %s %s %d, stored %s %s %d", ph.ID, ph.SHA256, ph.Size, got.ID, got.SHA256, got.Size))
		return
	}
	ph.Acked = true
	p.run.ack("photo", ph.ID)
}

// photoFields are the form fields (and tus metadata) that describe ph.
func photoFields(ph *heldPhoto) [][2]string {
	return [][2]string{
		{"id", ph.ID}, {"owner_type", ph.OwnerType}, {"owner_id", ph.OwnerID},
		{"taken_at", ph.TakenAt.Format(time.RFC3339)},
		{"lat", strconv.FormatFloat(ph.Lat, 'f', 6, 64)}, {"lng", strconv.FormatFloat(ph.Lng, 'f', 6, 64)},
	}
}

func (p *phone) multipartBody(ph *heldPhoto) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range photoFields(ph) {
		if err := w.WriteField(f[0], f[1]); err != nil {
			return nil, "", err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s.jpg"`, ph.ID))
	h.Set("Content-Type", "image/jpeg")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(p.photoBytes(ph)); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// confirmPhoto asks for photo ph by id and reports whether it is there;
// when patient, it asks a few times (a finished tus upload becomes a
// photo, perhaps not at once).
func (p *phone) confirmPhoto(ctx context.Context, ph *heldPhoto, patient bool) (bool, error) {
	tries := 1
	if patient {
		tries = 8
	}
	for i := range tries {
		var out Photo
		res, err := p.c.JSON(ctx, "GET /photos/{id}", "GET", "/api/v1/photos/"+ph.ID, nil, &out)
		if res == nil {
			return false, err
		}
		if err == nil {
			p.settlePhoto(ph, out)
			return true, nil
		}
		if res.Status != 404 {
			return false, nil
		}
		if err := sleep(ctx, time.Duration(50<<i)*time.Millisecond); err != nil {
			return false, err
		}
	}
	return false, nil
}
