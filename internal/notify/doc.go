// Package notify tells users: in-app notifications, the e-mail and webhook
// deliveries written to the outbox in the same transaction, and reminders
// sent once per subject, kind and deadline.
package notify
