package textseg

// IsWord reports whether the dictionary holds word, for instance a
// compound such as 食品安全 that Tag cuts into 食品 and 安全: the PDF layout
// does not break a title's line inside one. As gse's look-up did, it also
// holds the beginning of a longer word (食品安 of 食品安全) for one.
func (s *Segmenter) IsWord(word string) bool {
	_, _, ok := s.dict.lookup(word)
	return ok
}
