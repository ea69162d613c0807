// Package documents renders Jianyi's official documents (检察建议书, 送达回证,
// 催办函, notices, approval forms, filing and project reports) as PDF laid
// out after GB/T 9704-2012. It knows nothing about cases or HTTP: callers
// fill the plain structs defined here and get PDF bytes back.
package documents
