package handlers

import "encoding/json"

// eachMember calls fn with the name and the raw value of every member of
// the JSON object obj, in order, and reports whether obj is an object.
// obj must be valid JSON (a push's changes are, once the envelope has
// decoded; json.Marshal's text is). Names compare exactly as the keys of a
// map that json.Unmarshal fills: a name with an escape or a byte outside
// ASCII is decoded by encoding/json, and of repeated names the last is the
// one a caller keeps when it overwrites (FuzzEachMember).
//
// A push reads a few members of each change and of its record before the
// record is decoded onto its DTO. Decoding the change and the record into
// maps for that, as json.Unmarshal does, took about a sixth of a push's
// CPU in the server (BenchmarkWriteConcurrency/push50 profile), most of
// it allocating the maps and their values' copies.
func eachMember(obj []byte, fn func(name string, val []byte)) bool {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return false
	}
	i = skipSpace(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return true
	}
	for i < len(obj) && obj[i] == '"' {
		end := endOfString(obj, i)
		name, ok := memberName(obj[i:end])
		if !ok {
			return false
		}
		i = skipSpace(obj, end)
		if i >= len(obj) || obj[i] != ':' {
			return false
		}
		start := skipSpace(obj, i+1)
		end = endOfValue(obj, start)
		if end <= start {
			return false
		}
		fn(name, obj[start:end])
		i = skipSpace(obj, end)
		if i >= len(obj) {
			return false
		}
		switch obj[i] {
		case '}':
			return true
		case ',':
			i = skipSpace(obj, i+1)
		default:
			return false
		}
	}
	return false
}

// memberName is the name a quoted JSON string q stands for.
func memberName(q []byte) (string, bool) {
	if len(q) < 2 {
		return "", false
	}
	for _, c := range q[1 : len(q)-1] {
		if c == '\\' || c >= 0x80 {
			var s string
			err := json.Unmarshal(q, &s)
			return s, err == nil
		}
	}
	return string(q[1 : len(q)-1]), true
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// endOfString returns the index just past the JSON string starting at i
// (its opening quote), or len(b) when it does not end.
func endOfString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// endOfValue returns the index just past the JSON value starting at i.
func endOfValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return endOfString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = endOfString(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j
}
