package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tepai/tepai/models"
)

const regionsAbout = `Loads the NBS division CSVs (provinces.csv, cities.csv, areas.csv,
streets.csv, villages.csv) from -dir into the database: the regions under
-prefix and their ancestors, or all of China without it. Rows that exist are
updated, so it can be run again. Progress goes to stderr when it is a terminal.`

func regions(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, "Usage: tepai regions import --dir DIR [--prefix CODE] [flags]\n")
		return errors.New(`regions needs the subcommand "import"`)
	}
	var dir, prefix string
	cfg, err := parse("regions import --dir DIR [--prefix CODE]", regionsAbout, args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&dir, "dir", "", "folder holding the division CSVs (required)")
		fs.StringVar(&prefix, "prefix", "", "import only the regions whose code starts with this, e.g. 330824")
	})
	if err != nil {
		return err
	}
	if dir == "" {
		return errors.New("regions import needs --dir")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	db, err := models.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	if !cfg.NoMigrate {
		if err := db.Migrate(); err != nil {
			return err
		}
	}
	start := time.Now()
	report := progress(stderr, start)
	n, err := db.ImportRegions(ctx, dir, prefix, report)
	if report != nil {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return fmt.Errorf("import regions (%d written): %w", n, err)
	}
	fmt.Fprintf(stdout, "tepai: imported %d regions in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// progress returns a progress callback that redraws one line on w when w is
// a terminal, or nil when it is not.
func progress(w io.Writer, start time.Time) func(int) {
	if !isTerminal(w) {
		return nil
	}
	return func(n int) {
		secs := time.Since(start).Seconds()
		fmt.Fprintf(w, "\r\x1b[Kimporting regions: %d rows, %.1f s, %.0f rows/s", n, secs, float64(n)/max(secs, 0.001))
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
