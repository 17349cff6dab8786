package models

import (
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

func TestPrincipalCacheKeeps(t *testing.T) {
	var c principalCache
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	far := t0.Add(time.Hour)
	k := principalKey{"u1", "s1"}
	p := Principal{UserID: "u1", Role: RoleCommissioner, RegionCode: "330824"}
	if _, ok := c.get(k, t0); ok {
		t.Fatal("an empty cache answered")
	}
	c.put(k, p, c.gen.Load(), t0, far)
	if got, ok := c.get(k, t0.Add(principalTTL-time.Millisecond)); !ok || got != p {
		t.Fatalf("within the TTL: %+v %v", got, ok)
	}
	if _, ok := c.get(k, t0.Add(principalTTL)); ok {
		t.Error("answered once the TTL had passed")
	}
	if _, ok := c.get(principalKey{"u1", "s2"}, t0); ok {
		t.Error("answered for another session of the user")
	}
	// A session that ends sooner ends the entry with it.
	c.put(k, p, c.gen.Load(), t0, t0.Add(time.Second))
	if _, ok := c.get(k, t0.Add(time.Second)); ok {
		t.Error("answered after the session expired")
	}
	// A write forgets every entry.
	c.put(k, p, c.gen.Load(), t0, far)
	c.forget()
	if _, ok := c.get(k, t0); ok {
		t.Error("answered after forget")
	}
	// A principal loaded while a write ran (generation taken before the
	// write) is never answered.
	gen := c.gen.Load()
	c.forget()
	c.put(k, p, gen, t0, far)
	if _, ok := c.get(k, t0); ok {
		t.Error("answered a principal loaded across a write")
	}
}

func TestPrincipalCacheBounded(t *testing.T) {
	var c principalCache
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	far := t0.Add(time.Hour)
	for i := range principalsKept {
		c.put(principalKey{"u", string(rune('a'+i%26)) + strings.Repeat("x", i/26)}, Principal{}, 0, t0, far)
	}
	if len(c.m) != principalsKept {
		t.Fatalf("kept %d, want %d", len(c.m), principalsKept)
	}
	// Full of live entries: all go, and the new one is kept.
	c.put(principalKey{"v", "1"}, Principal{UserID: "v"}, 0, t0, far)
	if len(c.m) != 1 {
		t.Fatalf("kept %d after overflowing, want 1", len(c.m))
	}
	// Full with expired entries among them: only those go.
	for i := range principalsKept - 1 {
		at := t0
		if i%2 == 0 {
			at = t0.Add(-time.Minute)
		}
		c.put(principalKey{"w", strings.Repeat("y", i+1)}, Principal{}, 0, at, far)
	}
	c.put(principalKey{"z", "1"}, Principal{}, 0, t0, far)
	if want := principalsKept/2 + 1; len(c.m) != want {
		t.Fatalf("kept %d after dropping the expired, want %d", len(c.m), want)
	}
	if _, ok := c.get(principalKey{"v", "1"}, t0); !ok {
		t.Error("a live entry was dropped with the expired ones")
	}
}

func TestWritesPrincipals(t *testing.T) {
	cases := []struct {
		table, sql string
		want       bool
	}{
		{"users", "UPDATE `users` SET `active`=false", true},
		{"sessions", "UPDATE `sessions` SET `revoked_at`=?", true},
		{"commissioners", "DELETE FROM `commissioners`", true},
		{"users u", "", true},
		{"visits", "INSERT INTO `visits` ...", false},
		{"", "SELECT * FROM users", false},
		{"", "select id from sessions", false},
		{"", "UPDATE users SET name = ?", true},
		{"", "  delete from sessions where id = ?", true},
		{"", "UPDATE stat_days SET visits = visits + 1", false},
		{"", "INSERT INTO stat_commissioners (region_code, commissioner_id) VALUES (?,?)", false},
		{"stat_commissioners", "UPDATE stat_commissioners SET last_visit = ?", false},
		{"", "UPDATE `commissioners` SET region_code = ?", true},
		{"", "INSERT INTO x SELECT id FROM users", true},
		{"", "UPDATE visits SET notes = 'users_x'", false},
	}
	for _, c := range cases {
		st := &gorm.Statement{Table: c.table}
		st.SQL.WriteString(c.sql)
		if got := writesPrincipals(st); got != c.want {
			t.Errorf("%q %q: %v, want %v", c.table, c.sql, got, c.want)
		}
	}
}
