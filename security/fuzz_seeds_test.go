package security_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestFuzzSeedsOnMySQL replays every committed seed of every fuzz target
// on MariaDB (go test runs them on SQLite through the fuzz functions), in
// one world for all targets.
func TestFuzzSeedsOnMySQL(t *testing.T) {
	t.Parallel()
	if !testenv.MySQLAvailable() {
		t.Skip("TEPAI_TEST_MYSQL_DSN is not set")
	}
	w := fuzzWorld(t, "mysql")
	for _, name := range sortedTargets() {
		t.Run(name, func(t *testing.T) {
			for _, seed := range readSeeds(t, name) {
				w.fuzzOne(t, fuzzTargets[name], seed)
			}
		})
	}
}

// TestFuzzTargetsHaveSeeds checks that every fuzz target has committed
// seeds, each a []byte in go test's corpus format.
func TestFuzzTargetsHaveSeeds(t *testing.T) {
	for _, name := range sortedTargets() {
		if n := len(readSeeds(t, name)); n < 5 {
			t.Errorf("%s has %d seeds under testdata/fuzz/%s", name, n, name)
		}
	}
}

func sortedTargets() []string {
	var names []string
	for n := range fuzzTargets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// readSeeds reads testdata/fuzz/<name>/*: files of "go test fuzz v1" and
// one []byte("...") line.
func readSeeds(t *testing.T, name string) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", name, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		if !sc.Scan() || sc.Text() != "go test fuzz v1" || !sc.Scan() {
			t.Fatalf("%s: not a corpus file", f)
		}
		lit, ok := strings.CutPrefix(sc.Text(), "[]byte(")
		s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
		if !ok || err != nil {
			t.Fatalf("%s: not a []byte: %v", f, err)
		}
		out = append(out, []byte(s))
	}
	return out
}
