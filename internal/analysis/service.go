package analysis

import (
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
	"jianyi/internal/stats"
)

// Settings are the analysis options of config.yaml (analysis.*).
type Settings struct {
	RepeatWindowDays int
	RisePercent      int
	RiseMinCases     int
	ImportMaxRows    int
}

// Service runs the analyses. It counts through the statistics service (its
// scope rule and definitions) and starts projects through the projects
// service.
type Service struct {
	DB       *database.DB
	Clock    *calendar.Clock
	Stats    *stats.Service
	Projects *projects.Service
	Cases    *cases.Service
	Settings Settings
}
