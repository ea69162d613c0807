// Package agency is the recipient agency's side of a case: 签收, 异议, 延期,
// 书面回复 and the prosecutor's answers (复核, 评估, 督促, 移送, 结案). Register
// adds these behaviours to the case lifecycle; Service serves the agency's
// inbox and records.
package agency
