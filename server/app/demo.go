package app

import "jianyi/internal/demo"

// DemoServices are the services the demo data is made through: the same ones
// the server runs.
func (a *App) DemoServices() demo.Services {
	return demo.Services{DB: a.DB, Cases: a.Cases, Disclosures: a.Disclosures, Applications: a.Applications,
		Projects: a.Projects, Reviews: a.Reviews, Users: a.Users}
}
