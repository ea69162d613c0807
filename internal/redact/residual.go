package redact

import (
	"regexp"
	"strings"
)

// Residual checks run on a redacted text as a second, independent line of
// defence: after folding full-width digits and dropping separators between
// digits, anything shaped like a mobile or resident ID number blocks
// publication until it is listed as an extra term.
var (
	residualSeparators = regexp.MustCompile(`(\d)[\s\-()（）+.·]+(\d)`)
	residualNumber     = regexp.MustCompile(`(?:^|\D)(1[3-9]\d{9}|\d{17}[\dX]|\d{15})(?:\D|$)`)
)

// ResidualNumbers lists the digit runs of an already redacted text that
// still look like a mobile or resident ID number (written with spaces or
// dashes between the digits, say).
func ResidualNumbers(text string) []string {
	folded := residualSeparators.ReplaceAllString(strings.ToUpper(foldWidth(text)), "$1$2")
	folded = residualSeparators.ReplaceAllString(folded, "$1$2")
	var out []string
	for _, m := range residualNumber.FindAllStringSubmatch(folded, -1) {
		out = append(out, m[1])
	}
	return out
}

// CleanTerms trims, folds to half width and sorts a list of names or
// terms, dropping empty and repeated ones: the form in which decisions are
// stored and compared.
func CleanTerms(terms []string) []string {
	out := cleanTerms(terms, 1)
	if out == nil {
		out = []string{}
	}
	return out
}
