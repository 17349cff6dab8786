package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadgenVerifyFlags(t *testing.T) {
	o, err := parseVerify([]string{"--ledger", "a.json", "--url", "http://127.0.0.1:9000,http://127.0.0.1:9001",
		"--partial-ledger", "b.json", "--ledger", "c.json"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.ledgers, " ") != "a.json c.json" || strings.Join(o.partial, " ") != "b.json" ||
		len(o.cfg.URLs) != 2 || o.cfg.VerifyBytes != -1 {
		t.Errorf("options = %+v, want ledgers a and c, partial b, two URLs, every photo's bytes", o)
	}
	for _, args := range [][]string{{}, {"--ledger", "l.json", "extra"}, {"--ledger", "l.json", "--timeout", "0s"}} {
		if _, err := parseVerify(args, io.Discard); err == nil {
			t.Errorf("%q parsed without an error", args)
		}
	}
}

func TestLoadgenVerifyNeedsAReadableLedger(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.json")
	err := run([]string{"loadgen", "verify", "--ledger", missing, "--admin-phone", "1", "--admin-password", "x"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "none.json") {
		t.Errorf("err = %v, want one naming the missing ledger", err)
	}
}
