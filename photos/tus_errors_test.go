package photos

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"testing"

	"github.com/tus/tusd/v2/pkg/handler"
)

// serverError is an S3 answer with a status, as the AWS SDK reports one.
type serverError struct{ status int }

func (e serverError) Error() string       { return fmt.Sprintf("status %d", e.status) }
func (e serverError) HTTPStatusCode() int { return e.status }

// TestStoreFailureIsUnavailable checks what tusd answers for the errors of
// the photo store: an unreachable store or a server error is a 503 from the
// error alone, whatever the store does by the time the answer is written;
// other errors keep tusd's own answer.
func TestStoreFailureIsUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	cases := []struct {
		name   string
		err    error
		status int // 0: passed through unchanged
	}{
		{"connection refused, wrapped as the SDK does", fmt.Errorf("operation error S3: GetObject, exceeded maximum number of attempts: %w", refused), http.StatusServiceUnavailable},
		{"server error", fmt.Errorf("put: %w", serverError{503}), http.StatusServiceUnavailable},
		{"internal server error", serverError{500}, http.StatusServiceUnavailable},
		{"missing object", serverError{404}, 0},
		{"tusd's not found", handler.ErrNotFound, 0},
		{"other", errors.New("bad offset"), 0},
	}
	for _, c := range cases {
		got := storeFailure(context.Background(), c.err)
		var te handler.Error
		isTus := errors.As(got, &te)
		switch {
		case c.status == 0 && (got == nil || got.Error() != c.err.Error() || isTus && te.HTTPResponse.StatusCode == http.StatusServiceUnavailable):
			t.Errorf("%s: %v became %v", c.name, c.err, got)
		case c.status != 0 && (!isTus || te.HTTPResponse.StatusCode != c.status):
			t.Errorf("%s: %v answered %+v, want status %d", c.name, c.err, got, c.status)
		}
	}
	if storeFailure(context.Background(), nil) != nil {
		t.Error("no error became one")
	}
}

// TestDatabaseFailureIsUnavailable: an upload request that could not reach
// the database (taking the upload's lease, finding the caller, storing
// the photo) is a 503 the phone retries, as the rest of the API answers
// it, not a 500; a fault in a query stays a 500.
func TestDatabaseFailureIsUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, c := range []struct {
		name   string
		err    error
		status int
	}{
		{"a dropped connection", fmt.Errorf("lock upload 1a2b: %w", driver.ErrBadConn), http.StatusServiceUnavailable},
		{"a refused connection", fmt.Errorf("load principal: %w", refused), http.StatusServiceUnavailable},
		{"a fault in a query", errors.New("Error 1054: Unknown column 'x'"), http.StatusInternalServerError},
	} {
		var te handler.Error
		if got := tusError(context.Background(), c.err); !errors.As(got, &te) || te.HTTPResponse.StatusCode != c.status {
			t.Errorf("%s: %v answered %+v, want status %d", c.name, c.err, got, c.status)
		}
	}
}
