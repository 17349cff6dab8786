// Package bounds holds the contract's limits on the coordinates and times
// that come from a device or a file (a phone's form fields, a push's
// device clock, a photo's EXIF): every such value is checked against the
// same numbers.
package bounds

import (
	"math"
	"time"
)

// China's bounding box, the contract's limits on lat and lng.
const (
	MinLat = 3.0
	MaxLat = 54.0
	MinLng = 73.0
	MaxLng = 136.0
)

// Ahead is how far past the server's clock a time may lie: a phone's clock
// and time zone may be a little off.
const Ahead = 24 * time.Hour

// shanghai is Asia/Shanghai (UTC+8, no daylight saving since 1991).
var shanghai = time.FixedZone("CST", 8*3600)

// Earliest is the first instant a time from a device or a file may name:
// 2000-01-01 00:00 in Asia/Shanghai.
var Earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, shanghai)

// Lat reports whether v is a latitude inside China's bounding box.
func Lat(v float64) bool { return !math.IsNaN(v) && v >= MinLat && v <= MaxLat }

// Lng reports whether v is a longitude inside China's bounding box.
func Lng(v float64) bool { return !math.IsNaN(v) && v >= MinLng && v <= MaxLng }

// Point reports whether (lat, lng) lies inside China's bounding box.
func Point(lat, lng float64) bool { return Lat(lat) && Lng(lng) }

// Time reports whether t is not before Earliest nor more than Ahead past
// now.
func Time(t, now time.Time) bool { return !t.Before(Earliest) && !t.After(now.Add(Ahead)) }
