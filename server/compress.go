package server

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
	"github.com/labstack/echo/v4"
)

// compressMinSize is the response size below which nothing is compressed.
const compressMinSize = 1024

// compress gzips responses for clients that send Accept-Encoding: gzip.
// The response is buffered up to compressMinSize and a compressor is taken
// only once it grows past that, so the many requests in flight that answer
// little (photo and upload calls over slow links) hold no compressor's
// memory. Photo bytes and tus uploads are never compressed.
func compress() echo.MiddlewareFunc {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(compressMinSize), gzhttp.EnableZstd(false))
	if err != nil {
		panic(err) // the options are constants
	}
	skip := func(c echo.Context) bool {
		p := c.Path()
		return strings.HasPrefix(p, "/api/v1/uploads") || strings.HasSuffix(p, "/content") || strings.HasSuffix(p, "/thumbnail")
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip(c) {
				return next(c)
			}
			res := c.Response()
			plain := res.Writer
			var herr error
			wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				res.Writer = w
				defer func() { res.Writer = plain }()
				herr = next(c)
			})).ServeHTTP(plain, c.Request())
			// An error the handler returned before writing anything is
			// answered by the error handler, uncompressed: it is small.
			return herr
		}
	}
}
