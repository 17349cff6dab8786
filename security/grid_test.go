package security_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// grid is the expected status of a route for every caller, on the in-side
// target ([0]) and the out-side one ([1]).
type grid map[string][2]int

// parseGrid reads a grid written as name–status pairs, "all" first when
// most callers agree: "all 200 bureauX 404/200 anon 401". A single status
// is both sides'; "a/b" is the in side's and the out side's. Every caller
// must end up with a status.
func parseGrid(s string) (grid, error) {
	g := grid{}
	f := strings.Fields(s)
	if len(f)%2 != 0 {
		return nil, fmt.Errorf("grid %q: odd number of words", s)
	}
	for i := 0; i < len(f); i += 2 {
		v, err := parseCell(f[i+1])
		if err != nil {
			return nil, fmt.Errorf("grid %q: %w", s, err)
		}
		switch name := f[i]; {
		case name == "all":
			for _, n := range callerNames {
				g[n] = v
			}
		case slices.Contains(callerNames, name):
			g[name] = v
		default:
			return nil, fmt.Errorf("grid %q: unknown caller %q", s, name)
		}
	}
	for _, n := range callerNames {
		if _, ok := g[n]; !ok {
			return nil, fmt.Errorf("grid %q: no status for %s", s, n)
		}
	}
	return g, nil
}

func parseCell(s string) ([2]int, error) {
	a, b, pair := strings.Cut(s, "/")
	in, err := strconv.Atoi(a)
	if err != nil {
		return [2]int{}, fmt.Errorf("bad status %q", s)
	}
	out := in
	if pair {
		if out, err = strconv.Atoi(b); err != nil {
			return [2]int{}, fmt.Errorf("bad status %q", s)
		}
	}
	return [2]int{in, out}, nil
}

// visibility says which callers see the in-side ([0]) and out-side ([1])
// records of a route.
type visibility map[string][2]bool

// scoped is who sees what in most of the API: the admin everything, a
// bureau and a township office their region's, a commissioner its own.
var scoped = visibility{
	"admin": {true, true}, "bureau": {true, false}, "bureauX": {false, true},
	"town": {true, false}, "townX": {false, false}, "owner": {true, false}, "other": {false, true},
}

// Grids most routes share.
const (
	// gridReadScoped: a record read where scope hides what it does not
	// cover (404, never 403, so that existence does not leak).
	gridReadScoped = "admin 200 bureau 200/404 bureauX 404/200 town 200/404 townX 404 owner 200/404 other 404/200 anon 401"
	// gridEveryone: any signed-in caller.
	gridEveryone = "all 200 anon 401"
	// gridPublic: no token needed.
	gridPublic = "all 200"
)
