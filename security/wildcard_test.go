package security_test

import (
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// checkRegionRangeIgnoresWildcards checks that a region subtree filter is a
// range of codes, not a LIKE pattern: a prefix holding % or _ (or other
// bytes around the digits) keeps only codes that literally start with it.
func checkRegionRangeIgnoresWildcards(t *testing.T, env *testenv.Env) {
	for _, prefix := range []string{"%", "_", "3308%", "33082_", "330824%", "33082_115", "330824\x00", "330824'", "3308\xff", "华", "330824 ", "9"} {
		var codes []string
		q := models.InRegion(env.DB().Table("regions"), "code", prefix)
		if err := q.Pluck("code", &codes).Error; err != nil {
			t.Errorf("prefix %q: %v", prefix, err)
			continue
		}
		for _, c := range codes {
			// MariaDB compares with PAD SPACE: "330824 " equals "330824",
			// the region itself, never one beyond it.
			if !strings.HasPrefix(c, prefix) && c != strings.TrimRight(prefix, " ") {
				t.Errorf("prefix %q matched region %s", prefix, c)
			}
		}
	}
	// A real prefix still finds its subtree: 华埠镇 and its villages.
	var n int64
	models.InRegion(env.DB().Table("regions"), "code", inTownship).Count(&n)
	if n < 2 {
		t.Fatalf("the subtree of %s has %d regions", inTownship, n)
	}
}
