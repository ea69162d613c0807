package handlers

func (s *Server) disclosureReviewPages(app pages) {}
