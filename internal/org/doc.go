// Package org is the organisation: procuratorates, departments, recipient
// agencies, users and their roles, the acting Actor, passwords and login
// throttling, and the audit listing scoped to a procuratorate subtree.
package org
