package analysis

// RowsAnswers is how many recurrences the service answered from the
// statistics' per-case rows.
func (s *Service) RowsAnswers() int64 { return s.rowsAnswers.Load() }
