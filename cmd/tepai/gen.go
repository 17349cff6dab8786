package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tepai/tepai/internal/gen"
)

// genCmd fills the configured database with a generated province-scale
// year (tepai gen --prefix 33 --scale 1 --dir ../shared/data/divisions).
func genCmd(args []string, stdout, stderr io.Writer) error {
	opt := gen.Options{}
	cfg, err := parse("gen", "Fills the database with a generated province-scale year of records on the real regions, for benchmarks.", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&opt.Prefix, "prefix", "33", "region subtree to fill (33: Zhejiang)")
		fs.StringVar(&opt.DivisionsDir, "dir", "../shared/data/divisions", "folder of the NBS division CSVs")
		fs.IntVar(&opt.Year, "year", time.Now().Year()-1, "year the records fall in")
		fs.Float64Var(&opt.Scale, "scale", 1, "multiplies every count; 1 = ~8,000 commissioners and 400,000 visits")
		fs.Uint64Var(&opt.Seed, "seed", 1, "random seed")
	})
	if err != nil {
		return err
	}
	db, err := openMigrated(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	opt.Progress = func(format string, a ...any) { fmt.Fprintf(stdout, "tepai gen: "+format+"\n", a...) }
	start := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	n, err := gen.Run(ctx, db, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tepai gen: %+v in %s\n", n, time.Since(start).Round(time.Second))
	return nil
}

// statsCmd runs the statistics maintenance commands: "tepai stats rebuild"
// recomputes every aggregate from the record tables (with the server
// stopped), for a database filled or restored outside the API.
func statsCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rebuild" {
		return fmt.Errorf("usage: tepai stats rebuild [flags]")
	}
	cfg, err := parse("stats rebuild", "Recomputes the statistics aggregates from the record tables; run it with the server stopped.", args[1:], stderr, nil)
	if err != nil {
		return err
	}
	db, err := openMigrated(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.RebuildRollups(context.Background(), nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tepai: statistics rebuilt in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
