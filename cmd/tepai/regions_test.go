package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestRegionsImportCommand imports Kaihua twice into a fresh data folder:
// the second run changes nothing, and with stderr not a terminal the only
// output is one summary line per run.
func TestRegionsImportCommand(t *testing.T) {
	data := t.TempDir()
	args := []string{"regions", "import", "--dir", testenv.DivisionsDir(), "--prefix", "330824", "--data-dir", data}
	for i := range 2 {
		var stdout, stderr bytes.Buffer
		if err := run(args, &stdout, &stderr); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		// 浙江省, 衢州市, 开化县, 14 townships, 269 village-level units.
		if out := stdout.String(); !strings.HasPrefix(out, "tepai: imported 286 regions in ") || strings.Count(out, "\n") != 1 {
			t.Errorf("run %d: stdout %q", i, out)
		}
		if stderr.Len() != 0 {
			t.Errorf("run %d: progress on a stderr that is not a terminal: %q", i, stderr.String())
		}
	}
	db, err := models.Open("", data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	db.Table("regions").Count(&n)
	if n != 286 {
		t.Fatalf("%d regions after two imports, want 286", n)
	}
}
