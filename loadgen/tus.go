package loadgen

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// tusChunk is how much of a photo one PATCH carries.
const tusChunk = 128 << 10

// tusPath is where the tus 1.0 uploads live.
const tusPath = "/api/v1/uploads/"

// tusOutcome is how sending an upload's bytes ended.
type tusOutcome int

const (
	tusComplete tusOutcome = iota // the server has every byte
	tusGone                       // the upload is gone (finished, or dropped by the server)
	tusRefused                    // the server refused it
)

// tusUpload sends ph through the resumable-upload protocol, resuming from
// the server's offset after lost responses, and confirms the photo record
// it became. An upload that is gone may have become the photo already (a
// lost answer to the last PATCH); if not, the phone starts a new one. When
// that fails the phone falls back to a plain upload of the same photo.
func (p *phone) tusUpload(ctx context.Context, ph *heldPhoto) error {
	data := p.photoBytes(ph)
	for range 3 {
		loc, err := p.tusCreate(ctx, ph, len(data))
		if err != nil || loc == "" {
			if err != nil {
				return err
			}
			break
		}
		outcome, err := p.tusSend(ctx, loc, data)
		if err != nil || outcome == tusRefused {
			if err != nil {
				return err
			}
			break
		}
		ok, err := p.confirmPhoto(ctx, ph, outcome == tusComplete)
		if err != nil || ok || ph.Failed != "" {
			return err
		}
		if outcome == tusComplete {
			break
		}
	}
	p.run.note("tus fell back to POST /photos")
	return p.postPhoto(ctx, ph)
}

// tusCreate starts an upload and returns its path, or "" when the server
// refused it.
func (p *phone) tusCreate(ctx context.Context, ph *heldPhoto, size int) (string, error) {
	var meta []string
	for _, f := range append(photoFields(ph), [2]string{"filename", ph.ID + ".jpg"}, [2]string{"filetype", "image/jpeg"}) {
		meta = append(meta, f[0]+" "+base64.StdEncoding.EncodeToString([]byte(f[1])))
	}
	res, err := p.c.Do(ctx, Call{Endpoint: "POST /uploads", Method: "POST", Path: tusPath, Header: map[string]string{
		"Tus-Resumable": "1.0.0", "Upload-Length": strconv.Itoa(size), "Upload-Metadata": strings.Join(meta, ","),
	}})
	if err != nil {
		return "", err
	}
	loc := res.Header.Get("Location")
	if res.Status != 201 || loc == "" {
		p.run.note(fmt.Sprintf("tus create answered %d", res.Status))
		return "", nil
	}
	return uploadPath(loc), nil
}

// uploadPath turns a Location into a path below the base URL, so that
// each request of the upload may go to any replica.
func uploadPath(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	if u.IsAbs() || strings.HasPrefix(u.Path, "/") {
		return u.RequestURI()
	}
	return tusPath + u.RequestURI()
}

// tusSend PATCHes data from the server's offset to the end.
func (p *phone) tusSend(ctx context.Context, path string, data []byte) (tusOutcome, error) {
	offset := 0
	for range 200 {
		if offset >= len(data) {
			return tusComplete, nil
		}
		chunk := data[offset:min(offset+tusChunk, len(data))]
		res, err := p.c.Do(ctx, Call{Endpoint: "PATCH /uploads/{id}", Method: "PATCH", Path: path, Body: chunk,
			ContentType: "application/offset+octet-stream",
			Header:      map[string]string{"Tus-Resumable": "1.0.0", "Upload-Offset": strconv.Itoa(offset)}})
		if err != nil {
			return tusRefused, err
		}
		switch res.Status {
		case 204:
			offset += len(chunk)
			if n, err := strconv.Atoi(res.Header.Get("Upload-Offset")); err == nil {
				offset = n
			}
		case 409:
			if offset, err = p.tusOffset(ctx, path); err != nil || offset < 0 {
				return tusGone, err
			}
		case 404, 410:
			return tusGone, nil
		default:
			p.run.note(fmt.Sprintf("tus PATCH answered %d", res.Status))
			return tusRefused, nil
		}
	}
	return tusRefused, nil
}

// tusOffset asks how much of the upload the server has; -1 when it is gone.
func (p *phone) tusOffset(ctx context.Context, path string) (int, error) {
	res, err := p.c.Do(ctx, Call{Endpoint: "HEAD /uploads/{id}", Method: "HEAD", Path: path,
		Header: map[string]string{"Tus-Resumable": "1.0.0"}})
	if err != nil {
		return -1, err
	}
	n, perr := strconv.Atoi(res.Header.Get("Upload-Offset"))
	if res.Status != 200 || perr != nil {
		return -1, nil
	}
	return n, nil
}
