package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tepai/tepai/apierr"
)

// syntaxError returns the 400 for a body that is not well-formed JSON,
// naming where it goes wrong (byte, line and column, counted from 1) and
// what was found there, or nil when the body is well-formed.
func syntaxError(body []byte) *apierr.Error {
	// Unmarshal checks the whole body's syntax before it decodes anything,
	// and a RawMessage decodes no values.
	var v json.RawMessage
	err := json.Unmarshal(body, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return nil
	}
	pos := int(se.Offset)
	if pos > len(body) {
		pos = len(body)
	}
	line, col := lineColumn(body, pos)
	whatZH, whatEN := syntaxProblem(body, pos, strings.Contains(se.Error(), "unexpected end"))
	return apierr.BadRequest(
		fmt.Sprintf("JSON 格式错误：第 %d 字节（第 %d 行第 %d 列）处%s", pos, line, col, whatZH),
		fmt.Sprintf("malformed JSON at byte %d (line %d, column %d): %s", pos, line, col, whatEN)).WithCause(err)
}

// syntaxProblem describes the byte at pos (1-based) where decoding failed.
func syntaxProblem(body []byte, pos int, atEnd bool) (zh, en string) {
	if atEnd {
		return "内容意外结束（缺少引号、括号或值）", "unexpected end of input (a quote, bracket or value is missing)"
	}
	if pos < 1 {
		pos = 1
	}
	r, _ := utf8.DecodeRune(body[pos-1:])
	before := bytes.TrimRight(body[:pos-1], " \t\r\n")
	if (r == '}' || r == ']') && len(before) > 0 && before[len(before)-1] == ',' {
		return fmt.Sprintf("的 '%c' 之前有多余的逗号", r), fmt.Sprintf("trailing comma before '%c'", r)
	}
	return fmt.Sprintf("不应出现字符 %q", r), fmt.Sprintf("unexpected character %q", r)
}

// lineColumn returns the line and column (both from 1, the column in
// characters) of byte pos (1-based) of body.
func lineColumn(body []byte, pos int) (line, col int) {
	if pos < 1 {
		return 1, 1
	}
	head := body[:pos-1]
	line = bytes.Count(head, []byte("\n")) + 1
	if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
		head = head[i+1:]
	}
	return line, utf8.RuneCount(head) + 1
}
