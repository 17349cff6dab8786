// Command tepai runs the tepai server and its maintenance commands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/models"
)

const usage = `tepai — backend for rural science and technology commissioners (科技特派员)

Usage:
  tepai serve [flags]                      run the API server (migrates on start)
  tepai migrate [flags]                    apply the schema migrations and exit
  tepai regions import --dir DIR [--prefix CODE] [flags]
                                           load NBS division CSVs (idempotent)
  tepai loadgen --url URL [flags]          simulate commissioners' phones against a
                                           server on loopback and verify exactly-once
  tepai loadgen verify --ledger FILE --url URL
                                           verify another (restored) server against
                                           what a run's phones held (--ledger)
  tepai gen [--prefix 33] [--scale 1] [--year Y] [--dir DIR] [flags]
                                           fill the database with a generated
                                           province-scale year (benchmarks)
  tepai users reset-password --phone P     give a user a temporary password
  tepai users create-admin --phone P       create an admin with a temporary password
  tepai stats rebuild [flags]              recompute the statistics aggregates
                                           from the records (server stopped)

With no configuration, tepai keeps its SQLite database, photos and JWT key
under ./data and listens on :8080. TEPAI_MYSQL_DSN switches the database to
MySQL, TEPAI_S3_ENDPOINT (with its keys) the photos to MinIO/S3.

Settings: every flag can also be set by the environment variable named in
brackets; a flag wins over the environment, the environment over the default.

`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "tepai:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		settings(stdout).PrintDefaults()
		return nil
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "migrate":
		return migrate(args[1:], stdout, stderr)
	case "regions":
		return regions(args[1:], stdout, stderr)
	case "loadgen":
		return loadgenCmd(args[1:], stdout, stderr)
	case "gen":
		return genCmd(args[1:], stdout, stderr)
	case "stats":
		return statsCmd(args[1:], stdout, stderr)
	case "users":
		return usersCmd(args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// settings returns a flag set with every setting of config.Config bound to
// it (defaults from the environment), printing to out.
func settings(out io.Writer) *flag.FlagSet {
	cfg := config.Default()
	fs := flag.NewFlagSet("tepai", flag.ContinueOnError)
	fs.SetOutput(out)
	cfg.Bind(fs, os.Getenv)
	return fs
}

// parse builds the configuration from the defaults, the environment and
// the flags of one subcommand; about says what the subcommand does, for -h.
func parse(name, about string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (config.Config, error) {
	cfg := config.Default()
	fs := flag.NewFlagSet("tepai "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: tepai %s [flags]\n\n%s\n\nEach flag can also be set by the environment variable in brackets.\n\nFlags:\n", name, about)
		fs.PrintDefaults()
	}
	cfg.Bind(fs, os.Getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return cfg, cfg.Validate()
}

// newLogger writes JSON lines to w at the named level.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// openMigrated opens the configured database and brings its schema up to
// date.
func openMigrated(cfg config.Config) (*models.DB, error) {
	db, err := models.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func migrate(args []string, stdout, stderr io.Writer) error {
	cfg, err := parse("migrate", "Applies the schema migrations not applied yet, then exits.", args, stderr, nil)
	if err != nil {
		return err
	}
	db, err := openMigrated(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "tepai: schema is up to date")
	return nil
}
