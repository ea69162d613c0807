package analysis

import (
	"sync/atomic"

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
	// LetterLevel makes the recurrence read every letter of the period with
	// its replies, as for a scope the statistics' per-case rows cannot
	// express (tests compare the two).
	LetterLevel bool

	rowsAnswers atomic.Int64 // recurrences answered from the case rows (tests read it)
}
