// Package redaction finds and masks personal data in text for publication:
// names, resident ID and phone numbers, addresses, plates, and the names
// still to be confirmed.
package redaction
