// Package applications is citizens' applications: submission with bot
// checks and throttling, look-up by tracking number and secret, the staff's
// answers and decisions (a decision may start a case) and the applicant's
// rating of the result.
package applications
