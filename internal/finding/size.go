package finding

// compactSize returns the size of the JSON value raw without insignificant
// whitespace, the size AWS counts. It only counts when raw itself is over
// limit, since whitespace can only make it smaller.
func compactSize(raw []byte, limit int) int {
	if len(raw) <= limit {
		return len(raw)
	}
	n := 0
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString:
			n++
			if c == '\\' && i+1 < len(raw) {
				i++
				n++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
			n++
		case !isSpace(c):
			n++
		}
	}
	return n
}

// relative shifts member offsets so they count from base; it reuses ms.
func relative(ms []member, base int) []member {
	for k := range ms {
		ms[k].value.start -= base
		ms[k].value.end -= base
	}
	return ms
}
