// Package ratelimit counts hits per key and window in the database (shared
// by every replica) and remembers single-use tokens.
package ratelimit
