package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

const usersUsage = `Usage:
  tepai users reset-password --phone P [flags]   give the user a temporary password
  tepai users create-admin --phone P [--name N] [flags]
                                                 create a national admin
`

const usersAbout = `For an operator locked out of the API. Prints a temporary password that
must be changed at the next login (POST /api/v1/me/password). reset-password
also ends the user's logins and enables the account when it was disabled.
Both are written to the audit trail with the actor role "cli".`

// cliActor is who the audit trail names for changes made on the command
// line.
var cliActor = models.Attribution{Actor: &models.Principal{Role: "cli"}}

func usersCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "reset-password" && args[0] != "create-admin") {
		fmt.Fprint(stderr, usersUsage)
		return errors.New(`users needs the subcommand "reset-password" or "create-admin"`)
	}
	var phone, name string
	cfg, err := parse("users "+args[0]+" --phone P", usersAbout, args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&phone, "phone", "", "the user's phone number (required)")
		if args[0] == "create-admin" {
			fs.StringVar(&name, "name", "管理员", "the admin's name")
		}
	})
	if err != nil {
		return err
	}
	if phone = strings.TrimSpace(phone); phone == "" {
		return fmt.Errorf("users %s needs --phone", args[0])
	}
	db, err := openMigrated(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	pw, err := auth.TemporaryPassword()
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(pw, cfg.BcryptCost)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if args[0] == "create-admin" {
		err = createAdmin(ctx, db, phone, name, hash)
	} else {
		err = resetPassword(ctx, db, phone, hash)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "temporary password for %s: %s\nit must be changed at the next login (POST /api/v1/me/password)\n", phone, pw)
	return nil
}

// createAdmin stores a national admin whose password must be changed.
func createAdmin(ctx context.Context, db *models.DB, phone, name, hash string) error {
	u := models.User{Phone: phone, PasswordHash: hash, Name: name, Role: models.RoleAdmin, MustChangePassword: true}
	err := db.CreateUserAudited(ctx, &u, cliActor)
	if errors.Is(err, models.ErrDuplicatePhone) {
		return fmt.Errorf("phone %s is already registered; use tepai users reset-password --phone %s", phone, phone)
	}
	return err
}

// resetPassword gives the user of phone a temporary password, ends its
// logins and enables it.
func resetPassword(ctx context.Context, db *models.DB, phone, hash string) error {
	u, err := db.UserByPhone(ctx, phone)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("no user has the phone %s", phone)
	}
	if err != nil {
		return err
	}
	if _, err := db.ResetPassword(ctx, u.ID, hash, cliActor); err != nil {
		return err
	}
	_, err = db.SetActive(ctx, u.ID, true, cliActor)
	return err
}
