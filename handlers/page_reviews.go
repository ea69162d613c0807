package handlers

func (s *Server) reviewPages(app pages) {}
