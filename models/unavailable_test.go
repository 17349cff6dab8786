package models

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

func TestIsUnavailable(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{gorm.ErrRecordNotFound, false},
		{errors.New("Error 1062: Duplicate entry"), false},
		{fmt.Errorf("load principal: %w", driver.ErrBadConn), true},
		{fmt.Errorf("query: %w", mysql.ErrInvalidConn), true},
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true},
		{fmt.Errorf("write: %w", syscall.EPIPE), true},
		{errors.New("database is locked (5) (SQLITE_BUSY)"), true},
	} {
		if got := IsUnavailable(c.err); got != c.want {
			t.Errorf("IsUnavailable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
