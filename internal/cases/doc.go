// Package cases is the case and its lifecycle: the table of actions
// (lifecycle.go) and Service.Execute, the registry of action behaviours
// (Actions), drafts, 文号 numbering, investigation records, 备案 filings, the
// case documents and who may see or do what (policy.go). It knows no other
// domain: those take part through Actions and Hooks.
package cases
