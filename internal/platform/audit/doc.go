// Package audit is the hash-chained, append-only audit trail: Record writes
// an entry inside the caller's transaction, VerifyChain finds any edited,
// removed or inserted entry.
package audit
