// Package ratelimit counts hits per key and window in the database (shared
// by every replica) and remembers single-use tokens. A frequent read's limit
// (Batched: the public text search) counts in memory and adds its hits to
// the shared counter in batches.
package ratelimit
