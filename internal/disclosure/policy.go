package disclosure

import (
	"jianyi/internal/cases"
	"jianyi/internal/org"
)

// CanPreviewDisclosure reports whether the actor may prepare a case's
// publication (see the redacted text): staff of the case's procuratorate who
// handle or approve it.
func CanPreviewDisclosure(a *org.Actor, c *cases.Case, publishRoles []org.Role) bool {
	if !cases.CanReadCase(a, c) {
		return false
	}
	return a.HasRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleChief) || a.HasRole(publishRoles...)
}

// CanPublishCase reports whether the actor may take the decision to publish
// or withdraw: the configured roles (disclosure.publish_roles, by default the
// chief) of the case's own procuratorate.
func CanPublishCase(a *org.Actor, c *cases.Case, publishRoles []org.Role) bool {
	return cases.CanReadCase(a, c) && a.HasRole(publishRoles...)
}

// PublishBlockers lists why a case can never be published (涉及国家秘密、
// 商业秘密、个人隐私或未成年人), empty when none applies.
func PublishBlockers(c *cases.Case) []string {
	var out []string
	if c.InvolvesStateSecret {
		out = append(out, "涉及国家秘密")
	}
	if c.InvolvesTradeSecret {
		out = append(out, "涉及商业秘密")
	}
	if c.InvolvesPrivacy {
		out = append(out, "涉及个人隐私")
	}
	if c.InvolvesMinors {
		out = append(out, "涉及未成年人")
	}
	return out
}
