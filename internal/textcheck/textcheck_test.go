package textcheck

import "testing"

func TestLine(t *testing.T) {
	cases := []struct {
		in, want string
		p        Problem
	}{
		{"  王强 ", "王强", ProblemNone},
		{"Jose\u0301", "José", ProblemNone}, // decomposed é becomes one rune
		{"王\u200b强", "", ProblemControl},    // zero-width space (Cf)
		{"王\u200d强", "", ProblemControl},    // zero-width joiner (Cf)
		{"\u202e强王", "", ProblemControl},    // right-to-left override (Cf)
		{"王\u00ad强", "", ProblemControl},    // soft hyphen (Cf)
		{"王\ufeff强", "", ProblemControl},    // byte order mark (Cf)
		{"王\x07强", "", ProblemControl},      // bell (Cc)
		{"王\n强", "", ProblemControl},
		{"王\u2028强", "", ProblemControl}, // line separator (Zl)
		{"王\xff强", "", ProblemInvalid},
	}
	for _, c := range cases {
		got, p := Line(c.in)
		if p != c.p || (p == ProblemNone && got != c.want) {
			t.Errorf("Line(%q) = %q, %v; want %q, %v", c.in, got, p, c.want, c.p)
		}
	}
}

func TestBlock(t *testing.T) {
	cases := []struct {
		in, want string
		p        Problem
	}{
		{"第一行\n第二行\r\n\t缩进", "第一行\n第二行\r\n\t缩进", ProblemNone},
		{"农民 \U0001F468\u200d\U0001F33E", "农民 \U0001F468\u200d\U0001F33E", ProblemNone}, // emoji ZWJ sequence kept
		{"Jose\u0301", "José", ProblemNone},
		{"a\u202eb", "", ProblemControl},
		{"a\u2066b", "", ProblemControl},
		{"a\x00b", "", ProblemControl},
		{"a\x1bb", "", ProblemControl},
		{"\xc3", "", ProblemInvalid},
	}
	for _, c := range cases {
		got, p := Block(c.in)
		if p != c.p || (p == ProblemNone && got != c.want) {
			t.Errorf("Block(%q) = %q, %v; want %q, %v", c.in, got, p, c.want, c.p)
		}
	}
}

func TestKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2024春", "2024春"},
		{"２０２４春", "2024春"},            // full-width digits
		{"2024 春", "2024春"},           // a space
		{"2024\u3000春", "2024春"},      // an ideographic space
		{" 2024\t春季 ", "2024春季"},      // tabs and ends
		{"2024 Spring", "2024spring"}, // case
		{"Ｅａｒｌｙ", "early"},            // full-width letters
		{"早稻", "早稻"},
	} {
		if got := Key(c.in); got != c.want {
			t.Errorf("Key(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
