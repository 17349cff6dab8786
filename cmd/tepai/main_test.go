package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

// TestHelpExplainsEverySetting checks that "tepai --help" and "tepai serve
// -h" list every setting with its flag and environment variable.
func TestHelpExplainsEverySetting(t *testing.T) {
	var help, serveHelp bytes.Buffer
	if err := run([]string{"--help"}, &help, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"serve", "-h"}, io.Discard, &serveHelp); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("serve -h: %v", err)
	}
	// The settings API.md names, and the others tepai has.
	envs := []string{"TEPAI_ADDR", "TEPAI_DATA_DIR", "TEPAI_MYSQL_DSN", "TEPAI_S3_ENDPOINT",
		"TEPAI_S3_ACCESS_KEY", "TEPAI_S3_SECRET_KEY", "TEPAI_S3_BUCKET", "TEPAI_S3_USE_SSL",
		"TEPAI_JWT_SECRET", "TEPAI_ADMIN_PHONE", "TEPAI_ADMIN_PASSWORD", "TEPAI_NO_MIGRATE",
		"TEPAI_LOG_LEVEL", "TEPAI_ACCESS_TTL", "TEPAI_REFRESH_TTL", "TEPAI_MAX_BODY_BYTES",
		"TEPAI_MAX_PHOTO_BYTES", "TEPAI_BCRYPT_COST", "TEPAI_LOGIN_LIMIT", "TEPAI_LOGIN_WINDOW"}
	for _, out := range []string{help.String(), serveHelp.String()} {
		for _, env := range envs {
			if !strings.Contains(out, "("+env+")") {
				t.Errorf("help does not explain %s:\n%s", env, out)
			}
		}
	}
	settings(io.Discard).VisitAll(func(f *flag.Flag) {
		if !strings.Contains(f.Usage, "(TEPAI_") {
			t.Errorf("flag -%s names no environment variable: %q", f.Name, f.Usage)
		}
		for _, out := range []string{help.String(), serveHelp.String()} {
			if !strings.Contains(out, "  -"+f.Name+" ") && !strings.Contains(out, "  -"+f.Name+"\n") {
				t.Errorf("help does not list -%s", f.Name)
			}
		}
	})
	if !strings.Contains(help.String(), "tepai regions import --dir DIR") {
		t.Errorf("help does not list the commands:\n%s", help.String())
	}
}

func TestCommandErrors(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"regions"},
		{"regions", "import"},                     // no --dir
		{"serve", "--addr", ""},                   // invalid configuration
		{"serve", "--admin-phone", "13800000000"}, // phone without password
		{"serve", "--debug-addr", ":6060"},        // profiles on every interface
		{"serve", "--debug-addr", "0.0.0.0:6060"},
		{"serve", "--debug-addr", "192.168.1.5:6060"},
		{"serve", "--read-header-timeout", "0s"},
		{"migrate", "extra"},
	} {
		if err := run(args, io.Discard, io.Discard); err == nil {
			t.Errorf("tepai %v: no error", args)
		}
	}
}

// TestReadmeListsEverySetting keeps the README's configuration table
// complete: a row for each flag, with its environment variable.
func TestReadmeListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(string(readme), "\n") {
		if cells := strings.Split(line, "|"); len(cells) > 3 {
			rows[strings.TrimSpace(cells[1])+" "+strings.TrimSpace(cells[2])] = true
		}
	}
	settings(io.Discard).VisitAll(func(f *flag.Flag) {
		env := f.Usage[strings.LastIndex(f.Usage, "(TEPAI_")+1 : len(f.Usage)-1]
		if row := "`" + env + "` `-" + f.Name + "`"; !rows[row] {
			t.Errorf("README.md has no configuration row %s", row)
		}
	})
}
