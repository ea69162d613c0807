// Package reviews is 质量评查: review batches over issued cases, scoring
// against the configured sheet, the findings and the external ratings of
// closed cases.
package reviews
