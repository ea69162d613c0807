package handlers

func (s *Server) projectPages(app pages) {}
