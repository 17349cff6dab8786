package models

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tepai/tepai/apierr"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Photo is a photo attached to a record (visit, training, plot, plot
// observation or demand). Its bytes are stored once per content, under
// PhotoKey(SHA256). TakenAt, Lat and Lng come from EXIF when the photo has
// them, else from the phone; the Exif* fields keep what EXIF said.
type Photo struct {
	ID             string         `gorm:"primaryKey" json:"id"`
	CommissionerID string         `json:"commissioner_id"`
	UploadedBy     string         `json:"uploaded_by"`
	OwnerType      string         `json:"owner_type"`
	OwnerID        string         `json:"owner_id"`
	RegionCode     string         `json:"region_code"`
	SHA256         string         `gorm:"column:sha256" json:"sha256"`
	Size           int64          `json:"size"`
	ContentType    string         `json:"content_type"`
	Width          int            `json:"width"`
	Height         int            `json:"height"`
	TakenAt        *time.Time     `json:"taken_at"`
	Lat            *float64       `json:"lat"`
	Lng            *float64       `json:"lng"`
	ExifTakenAt    *time.Time     `json:"exif_taken_at"`
	ExifLat        *float64       `json:"exif_lat"`
	ExifLng        *float64       `json:"exif_lng"`
	Version        int            `json:"version"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	DeletedAt      gorm.DeletedAt `json:"-"`
	// Thumbnail is whether the content's thumbnail is made, when the code
	// that holds the photo knows it (the upload that created it read its
	// blob row); nil when it does not, and photo_blobs is to be asked.
	Thumbnail *bool `gorm:"-" json:"-"`
}

// PhotoBlob is one stored content; its row is the lock writers of that
// content take.
type PhotoBlob struct {
	SHA256       string `gorm:"column:sha256;primaryKey"`
	Size         int64
	ContentType  string
	HasThumbnail bool
	TouchedAt    time.Time
}

// PhotoKey is the store key of the bytes with this sha256 (hex).
func PhotoKey(sha string) string { return "photos/sha256/" + sha }

// ThumbnailKey is the store key of the thumbnail of those bytes.
func ThumbnailKey(sha string) string { return "thumbs/sha256/" + sha + ".jpg" }

// PhotoOwnerTypes are the record types a photo may be attached to.
var PhotoOwnerTypes = []string{"visit", "training", "plot", "plot_observation", "demand"}

// photoScope limits q to the photos p may see: an admin all, a
// commissioner those of its records and those it uploaded, anyone else
// those inside its region.
func photoScope(q *gorm.DB, p *Principal) *gorm.DB {
	switch p.Role {
	case RoleAdmin:
		return q
	case RoleCommissioner:
		return q.Where("((commissioner_id = ? AND commissioner_id <> '') OR uploaded_by = ?)", p.CommissionerID, p.UserID)
	}
	return InRegion(q, "region_code", p.RegionCode)
}

// GetPhoto loads a live photo p may see; others are gorm.ErrRecordNotFound.
func (db *DB) GetPhoto(ctx context.Context, p *Principal, id string) (*Photo, error) {
	var ph Photo
	if err := photoScope(db.WithContext(ctx), p).Where("id = ?", id).Take(&ph).Error; err != nil {
		return nil, fmt.Errorf("get photo %s: %w", id, err)
	}
	return &ph, nil
}

// PhotoFilter narrows a photo list to one owner record.
type PhotoFilter struct {
	OwnerType, OwnerID string
}

// ListPhotos returns a page of the photos p may see, oldest first, and the
// cursor of the next page ("" on the last).
func (db *DB) ListPhotos(ctx context.Context, p *Principal, f PhotoFilter, limit int, cursor string) ([]Photo, string, error) {
	q := photoScope(db.WithContext(ctx), p)
	if f.OwnerType != "" {
		q = q.Where("owner_type = ?", f.OwnerType)
	}
	if f.OwnerID != "" {
		q = q.Where("owner_id = ?", f.OwnerID)
	}
	if cursor != "" {
		at, id, err := decodePhotoCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("(created_at > ? OR (created_at = ? AND id > ?))", at, at, id)
	}
	var out []Photo
	if err := q.Order("created_at, id").Limit(limit + 1).Find(&out).Error; err != nil {
		return nil, "", fmt.Errorf("list photos: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodePhotoCursor(last.CreatedAt, last.ID)
	}
	return out, next, nil
}

// FirstPhotos returns, by owner id, the first perOwner photos of each of
// the records ownerIDs of ownerType that p may see, oldest first as
// ListPhotos lists them, in one query for all the owners.
func (db *DB) FirstPhotos(ctx context.Context, p *Principal, ownerType string, ownerIDs []string, perOwner int) (map[string][]Photo, error) {
	out := map[string][]Photo{}
	if len(ownerIDs) == 0 {
		return out, nil
	}
	var rows []Photo
	q := photoScope(db.WithContext(ctx), p).Where("owner_type = ? AND owner_id IN ?", ownerType, ownerIDs)
	if err := q.Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list photos: %w", err)
	}
	for _, ph := range rows {
		if len(out[ph.OwnerID]) < perOwner {
			out[ph.OwnerID] = append(out[ph.OwnerID], ph)
		}
	}
	return out, nil
}

// ErrPhotoCursor is a list cursor the server did not hand out.
var ErrPhotoCursor = errors.New("bad cursor")

func encodePhotoCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMilli(), 10) + "|" + id))
}

func decodePhotoCursor(s string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, "", ErrPhotoCursor
	}
	ms, id, ok := strings.Cut(string(b), "|")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", ErrPhotoCursor
	}
	return time.UnixMilli(n).UTC(), id, nil
}

// PhotosWithThumbnail returns which of the given contents have a thumbnail.
func (db *DB) PhotosWithThumbnail(ctx context.Context, shas []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(shas) == 0 {
		return out, nil
	}
	var rows []string
	err := db.WithContext(ctx).Model(&PhotoBlob{}).Where("sha256 IN ? AND has_thumbnail = ?", shas, true).Pluck("sha256", &rows).Error
	if err != nil {
		return nil, fmt.Errorf("thumbnail state: %w", err)
	}
	for _, s := range rows {
		out[s] = true
	}
	return out, nil
}

// ClaimBlob is LockBlob for a photo about to be written under b's
// content: it also reports whether the row is new. A new row means that no
// live photo holds the content (every photo is written under its content's
// row, and the row goes only when no live photo holds it), and it is b as
// given, so it is not read back. On MySQL that is one statement: an
// upsert's affected rows are 1 for an insert, 2 or 0 for an existing row
// (Open keeps the driver from reporting found rows instead).
func ClaimBlob(tx *gorm.DB, b PhotoBlob) (*PhotoBlob, bool, error) {
	b.TouchedAt = Now()
	b.HasThumbnail = false
	conflict := clause.OnConflict{Columns: []clause.Column{{Name: "sha256"}}, DoNothing: true}
	if tx.Dialector.Name() == "mysql" {
		conflict = clause.OnConflict{Columns: []clause.Column{{Name: "sha256"}}, DoUpdates: clause.AssignmentColumns([]string{"touched_at"})}
	}
	res := tx.Clauses(conflict).Create(&b)
	if res.Error != nil {
		return nil, false, fmt.Errorf("lock blob: %w", res.Error)
	}
	if res.RowsAffected == 1 {
		return &b, true, nil
	}
	if tx.Dialector.Name() == "mysql" {
		var cur PhotoBlob
		if err := tx.Where("sha256 = ?", b.SHA256).Take(&cur).Error; err != nil {
			return nil, false, fmt.Errorf("read blob: %w", err)
		}
		return &cur, false, nil
	}
	cur, err := LockBlob(tx, b)
	return cur, false, err
}

// LockBlob creates or touches the row of b.SHA256 and holds its lock until
// tx ends; it returns the row as stored.
func LockBlob(tx *gorm.DB, b PhotoBlob) (*PhotoBlob, error) {
	b.TouchedAt = Now()
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "sha256"}},
		DoUpdates: clause.AssignmentColumns([]string{"touched_at"}),
	}).Create(&b).Error
	if err != nil {
		return nil, fmt.Errorf("lock blob: %w", err)
	}
	var cur PhotoBlob
	if err := tx.Where("sha256 = ?", b.SHA256).Take(&cur).Error; err != nil {
		return nil, fmt.Errorf("read blob: %w", err)
	}
	return &cur, nil
}

// ForgetBlob removes the blob row of sha and its pending jobs.
func ForgetBlob(tx *gorm.DB, sha string) error {
	if err := tx.Where("sha256 = ?", sha).Delete(&PhotoJob{}).Error; err != nil {
		return fmt.Errorf("forget photo jobs: %w", err)
	}
	if err := tx.Where("sha256 = ?", sha).Delete(&PhotoBlob{}).Error; err != nil {
		return fmt.Errorf("forget blob: %w", err)
	}
	return nil
}

// DeletePhoto soft-deletes photo id in tx with its change record, when p
// may see it (else not found) and may delete it: its uploader, the
// commissioner whose record holds it, or an admin (else forbidden).
func DeletePhoto(tx *gorm.DB, p *Principal, id, requestID string) (*Photo, error) {
	var ph Photo
	q := photoScope(tx, p)
	if tx.Dialector.Name() == "mysql" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Where("id = ?", id).Take(&ph).Error; err != nil {
		return nil, fmt.Errorf("load photo %s: %w", id, err)
	}
	if p.Role != RoleAdmin && ph.UploadedBy != p.UserID && (p.CommissionerID == "" || ph.CommissionerID != p.CommissionerID) {
		return nil, apierr.Forbidden()
	}
	now := Now()
	err := tx.Model(&Photo{}).Where("id = ?", id).
		Updates(map[string]any{"deleted_at": now, "version": ph.Version + 1, "updated_at": now}).Error
	if err != nil {
		return nil, fmt.Errorf("delete photo %s: %w", id, err)
	}
	err = RecordChange(tx, Change{Type: "photo", ID: id, Action: ActionDelete, Actor: p, RequestID: requestID,
		CommissionerID: ph.CommissionerID, RegionCode: ph.RegionCode, Before: &ph})
	return &ph, err
}

// LivePhotos counts the photos not deleted that hold the content sha.
func LivePhotos(tx *gorm.DB, sha string) (int64, error) {
	var n int64
	if err := tx.Model(&Photo{}).Where("sha256 = ?", sha).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count photos: %w", err)
	}
	return n, nil
}

// PhotoTx runs fn in a transaction as Tx does, and again also when its
// lock wait timed out (a photo's rows are few and hot: the thumbnail job,
// the sweep and attaching records all take them); fn must be safe to run
// again.
func (db *DB) PhotoTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.txRetrying(ctx, fn, Retryable)
}
