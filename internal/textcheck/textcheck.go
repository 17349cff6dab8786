// Package textcheck is the one place where text from a client is
// normalised and checked before it is stored: names of people and places
// and short labels (one line), and free text such as notes and advice
// (several lines).
//
// Both are brought to Unicode normal form C, so that the same name typed
// on two phones (a precomposed or a decomposed character) is stored, shown,
// ranked and counted as one. A one-line text refuses every control and
// format character (Unicode categories Cc and Cf: zero-width spaces and
// joiners, bidirectional marks and overrides, soft hyphens) and line or
// paragraph separators: they are invisible, so "王\u200b强" and "王强"
// would be two people that look the same. Free text keeps line breaks and
// tabs, and the zero-width joiners and other format characters that emoji
// and some scripts need, but refuses the other control characters and the
// bidirectional embeddings, overrides and isolates, which can make a text
// display as something it is not.
package textcheck

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Problem says what is wrong with a text; ProblemNone when nothing is.
type Problem int

// The problems a text can have.
const (
	ProblemNone    Problem = iota
	ProblemInvalid         // not valid UTF-8
	ProblemControl         // a control, format or separator character it may not hold
)

// Normal returns s trimmed and in normal form C; s as it is when it is not
// valid UTF-8 (which Line and Block refuse).
func Normal(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	return norm.NFC.String(strings.TrimSpace(s))
}

// Line returns s trimmed and in normal form C, and what is wrong with it as
// a one-line name or label.
func Line(s string) (string, Problem) {
	if !utf8.ValidString(s) {
		return s, ProblemInvalid
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	if strings.IndexFunc(s, lineRefuses) >= 0 {
		return s, ProblemControl
	}
	return s, ProblemNone
}

// Block returns s trimmed and in normal form C, and what is wrong with it
// as free text of several lines.
func Block(s string) (string, Problem) {
	if !utf8.ValidString(s) {
		return s, ProblemInvalid
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	if strings.IndexFunc(s, blockRefuses) >= 0 {
		return s, ProblemControl
	}
	return s, ProblemNone
}

// Key returns the form of a short label that names one thing, such as a
// harvest's season, in which labels a person reads as the same are equal:
// compatibility normal form (full-width digits and letters become ASCII),
// without white space, in lower case. "２０２４ 春" and "2024春" are one key.
func Key(s string) string {
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	return s
}

// lineRefuses holds for the characters a one-line text may not hold.
func lineRefuses(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}

// blockRefuses holds for the characters free text may not hold.
func blockRefuses(r rune) bool {
	switch {
	case r == '\n' || r == '\r' || r == '\t':
		return false
	case unicode.Is(unicode.Cc, r):
		return true
	}
	return isBidiControl(r)
}

// isBidiControl holds for the bidirectional embeddings, overrides and
// isolates (U+202A–U+202E, U+2066–U+2069).
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}
