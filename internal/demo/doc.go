// Package demo seeds the demo organisation, accounts and cases through the
// real services.
package demo
