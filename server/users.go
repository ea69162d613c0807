package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
)

// createAdmin makes an administrator (server users create-admin): the way
// to the first account of a production database. The password comes from
// JIANYI_ADMIN_PASSWORD or, without it, from the first line of standard
// input (a prompt when it is a terminal), never from the command line,
// where it would stay in the shell history and the process list.
func createAdmin(args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("users create-admin", flag.ContinueOnError)
	username := fs.String("username", "", "the administrator's username")
	name := fs.String("name", "", "display name (default: the username)")
	proc := fs.String("procuratorate", "", "full name of the procuratorate administered; created as the root on an empty database")
	short := fs.String("short-name", "", "院简称 of a new root procuratorate (used in 文号)")
	level := fs.String("level", "provincial", "level of a new root procuratorate: supreme, provincial, municipal or county")
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	if *username == "" {
		return errors.New("users create-admin needs --username")
	}
	password := os.Getenv("JIANYI_ADMIN_PASSWORD")
	if password == "" {
		fmt.Fprint(stdout, "Password for "+*username+": ")
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("no password: set JIANYI_ADMIN_PASSWORD or type it on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
		fmt.Fprintln(stdout)
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(context.Background()); err != nil {
		return err
	}
	users := &org.UserService{DB: db, Clock: calendar.NewClock(cfg.Location(), time.Now), Passwords: org.NewPasswords(cfg.Auth.PasswordCost), MinPasswordLength: cfg.Auth.MinPasswordLength}
	u, err := users.CreateAdmin(context.Background(), org.FirstAdminInput{Username: *username, DisplayName: *name, Password: password,
		Procuratorate: *proc, ShortName: *short, Level: *level})
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			msg := ae.Message
			for f, m := range ae.Fields {
				msg += "; " + f + ": " + m
			}
			return errors.New(msg)
		}
		return err
	}
	log.Info("administrator created", "username", u.Username, "id", u.ID)
	fmt.Fprintf(stdout, "administrator %s created (id %d)\n", u.Username, u.ID)
	return nil
}
