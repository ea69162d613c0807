package org

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"jianyi/internal/platform/apperr"
)

// commonPasswords are passwords found at the top of every leaked-password
// list, and the obvious ones for this service; compared lower-cased.
var commonPasswords = func() map[string]bool {
	set := map[string]bool{}
	for _, p := range strings.Fields(`
		password password1 password12 password123 passw0rd p@ssw0rd p@ssword 12345678 123456789 1234567890
		qwertyuiop qwerty123 qwerty1234 1qaz2wsx 1q2w3e4r 1q2w3e4r5t zaq12wsx iloveyou sunshine princess
		football baseball welcome welcome1 welcome123 admin123 admin1234 administrator root1234 letmein1
		abc12345 abcd1234 a1234567 aa123456 a12345678 woaini1314 5201314520 11223344 12341234 88888888
		66666666 00000000 11111111 123123123 147258369 987654321 changeme changeme1 secret123 trustno1
		jianyi123 jianyi2026 jianyi12345 demo-pass demo1234 test1234 testtest 12qwaszx qazwsxedc
	`) {
		set[p] = true
	}
	return set
}()

// sequences are runs a password may not simply walk along.
const sequences = "abcdefghijklmnopqrstuvwxyz 0123456789 qwertyuiop asdfghjkl zxcvbnm 1qaz2wsx3edc"

// CheckNewPassword refuses a password too short, common, made of one or
// two repeated characters, a walk along the alphabet, digits or keyboard
// (12345678, abcdefgh, qwertyui), or the username itself. field names the
// request field in the error.
func CheckNewPassword(field, password, username string, minLength int) error {
	bad := func(msg string) error { return apperr.InvalidField(field, msg) }
	if utf8.RuneCountInString(password) < minLength {
		return bad("密码长度不能少于" + strconv.Itoa(minLength) + "位")
	}
	lower := strings.ToLower(password)
	if commonPasswords[lower] {
		return bad("该密码过于常见，请换一个不易猜到的密码")
	}
	if username != "" && strings.Contains(lower, strings.ToLower(strings.TrimSpace(username))) {
		return bad("密码不能包含用户名")
	}
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < 4 {
		return bad("密码过于简单（重复的字符），请至少使用4个不同的字符")
	}
	if walk(lower) {
		return bad("密码过于简单（连续的字母、数字或键盘顺序），请换一个")
	}
	return nil
}

// walk reports whether s only walks along one of the sequences, forward or
// backward (with at most its last two characters off the walk, as in
// abcdefg1).
func walk(s string) bool {
	rev := func(x string) string {
		r := []rune(x)
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r)
	}
	for _, seq := range strings.Fields(sequences) {
		for _, q := range []string{seq, rev(seq)} {
			for cut := 0; cut <= 2 && cut < len(s); cut++ {
				head := s[:len(s)-cut]
				if len(head) >= 6 && strings.Contains(q+q, head) {
					return true
				}
			}
		}
	}
	return false
}

// CheckUsername refuses a username with spaces around it or characters
// other than letters, digits, _ . and -, so every database compares it the
// same way; NormalizeUsername then folds it to lower case.
func CheckUsername(username string) error {
	n := utf8.RuneCountInString(username)
	if n < 3 || n > 64 {
		return apperr.InvalidField("username", "用户名长度须为3至64个字符")
	}
	for _, r := range username {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return apperr.InvalidField("username", "用户名只能包含字母、数字、下划线、点和连字符")
		}
	}
	return nil
}

// NormalizeUsername is the stored and compared form of a username: lower
// case. MariaDB's default collation ignores case and trailing spaces while
// SQLite compares bytes; folding here (and refusing spaces) makes both the
// same.
func NormalizeUsername(username string) string { return strings.ToLower(username) }
