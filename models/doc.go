// Package models holds Jianyi's GORM models and its domain rules: the case
// lifecycle, legal deadlines, document numbering and redaction.
package models
