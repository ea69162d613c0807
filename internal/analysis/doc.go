// Package analysis is the data analysis model (数据分析模型, issue 15):
//
//   - recurrence (recurrence.go): over a statistics scope and a period, the
//     recommendations grouped by agency × field × problem kind, with their
//     reply classes and rectification outcomes counted by the statistics
//     definitions of internal/stats; a recommendation to an agency on a
//     problem it was told about within analysis.repeat_window_days is
//     flagged as repeated (回头看), and fields whose letters rose against
//     the previous period are named; a project (项目化) can be started from
//     selected cases through internal/projects.
//   - similar letters (similar.go, 类案参考): for a draft, the most similar
//     earlier letters of the user's procuratorate and the published,
//     redacted letters of others, through the full-text index of
//     internal/platform/search.
//   - model-hit import (model_import.go): leads found by an external big-data
//     model (大数据模型), uploaded as .xlsx or CSV, previewed row by row and
//     imported in one transaction.
//
// docs/search.md explains the choices and records the benchmarks.
package analysis
