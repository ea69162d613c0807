// Package files checks uploads (size, type sniffed from the content, safe
// names) and stores files in the database, so every replica sees them.
package files
