package pattern

// Numbers in patterns and events are compared the way event-ruler's
// ComparableNumber does: as exact decimals with at most six digits after the
// decimal point, within -5.0e9 … +5.0e9 inclusive. A number outside that
// range, or with more than six significant decimals, is not comparable: it
// takes part in exact matching by its literal text only.

const (
	// numberLimit is the largest comparable magnitude (5.0e9), scaled by 1e6.
	numberLimit = 5_000_000_000 * numberScale
	numberScale = 1_000_000
	// numberDecimals is how many digits right of the point are kept.
	numberDecimals = 6
)

// comparableNumber parses a JSON number literal into its value times 1e6.
// ok is false when the literal is not a valid JSON number, has more than six
// significant decimals, or lies outside ±5.0e9. It does not allocate.
func comparableNumber(lit []byte) (scaled int64, ok bool) {
	i := 0
	neg := false
	if i < len(lit) && lit[i] == '-' {
		neg = true
		i++
	}
	// Significant digits (leading zeros dropped), as a decimal string held in
	// a small fixed buffer, and the power of ten that applies to them.
	var digits [24]byte
	nd := 0
	exp10 := 0
	sawDigit := false
	overflowDigits := false
	for ; i < len(lit) && lit[i] >= '0' && lit[i] <= '9'; i++ {
		sawDigit = true
		if nd == 0 && lit[i] == '0' {
			continue
		}
		if nd < len(digits) {
			digits[nd] = lit[i]
			nd++
		} else {
			// Integer part too long for the buffer: far beyond 5e9 unless
			// the digits are all zero, which cannot happen after a non-zero.
			overflowDigits = true
			exp10++
		}
	}
	if !sawDigit {
		return 0, false
	}
	if i < len(lit) && lit[i] == '.' {
		i++
		fracDigits := false
		for ; i < len(lit) && lit[i] >= '0' && lit[i] <= '9'; i++ {
			fracDigits = true
			if nd == 0 && lit[i] == '0' {
				exp10--
				continue
			}
			if nd < len(digits) {
				digits[nd] = lit[i]
				nd++
				exp10--
			} else if lit[i] != '0' {
				// More significant digits than any comparable number has.
				return 0, false
			}
		}
		if !fracDigits {
			return 0, false
		}
	}
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		i++
		eneg := false
		if i < len(lit) && (lit[i] == '+' || lit[i] == '-') {
			eneg = lit[i] == '-'
			i++
		}
		e := 0
		sawExp := false
		for ; i < len(lit) && lit[i] >= '0' && lit[i] <= '9'; i++ {
			sawExp = true
			if e < 100000 {
				e = e*10 + int(lit[i]-'0')
			}
		}
		if !sawExp {
			return 0, false
		}
		if eneg {
			e = -e
		}
		exp10 += e
	}
	if i != len(lit) {
		return 0, false
	}
	if overflowDigits {
		return 0, false
	}
	// Drop trailing zeros of the significand.
	for nd > 0 && digits[nd-1] == '0' {
		nd--
		exp10++
	}
	if nd == 0 {
		return 0, true // zero, whatever its sign or exponent
	}
	shift := exp10 + numberDecimals
	if shift < 0 {
		return 0, false // more than six significant decimals
	}
	if nd+shift > 16 {
		return 0, false // at least 1e16 scaled, beyond 5e15
	}
	var v int64
	for k := 0; k < nd; k++ {
		v = v*10 + int64(digits[k]-'0')
	}
	for k := 0; k < shift; k++ {
		v *= 10
	}
	if v > numberLimit {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}
