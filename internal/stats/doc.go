// Package stats computes the statistics and writes the 工作台账 ledger
// (.xlsx, .csv) within the scope the actor's role allows.
package stats
