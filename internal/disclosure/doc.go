// Package disclosure publishes recommendations for the public: the redacted
// preview, publication, refresh and withdrawal, and the public feed with its
// reply statistics.
package disclosure
