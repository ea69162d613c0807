// Package projects is 项目化办理: projects with their team, stages, tasks,
// notes and linked cases, their progress and the project report.
package projects
